"""systemd's notify protocol (``sd_notify``): ready, watchdog pings, status lines.

The kiosk unit is ``Type=notify`` with ``WatchdogSec=``: the Kivy main loop pings, so a
frozen screen stops the pings and systemd restarts the kiosk. One line wires it::

    watchdog = Watchdog.from_environment()
    Clock.schedule_interval(lambda _dt: watchdog.ping(), watchdog.interval_s or 10)
    watchdog.ready("home screen drawn")          # once the first frame is on the screen

Outside systemd (no ``NOTIFY_SOCKET``) every call does nothing, so the same code runs in a
terminal, a test and the tour. No dependency: the protocol is one datagram per message
on a Unix socket (``@`` at the start of the path names an abstract socket).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)


class Watchdog:
    """Sends notify messages to the socket systemd gave the service; no-op without one."""

    def __init__(self, socket_path: str | None, watchdog_usec: int | None = None) -> None:
        self.socket_path = socket_path or None
        self.watchdog_usec = watchdog_usec
        self._socket: socket.socket | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Watchdog:
        """The watchdog systemd set up for this process (``NOTIFY_SOCKET``, ``WATCHDOG_USEC``).

        ``WATCHDOG_USEC`` counts only when ``WATCHDOG_PID`` is unset or is this process.
        """
        env = os.environ if environ is None else environ
        usec = None
        pid = env.get("WATCHDOG_PID", "")
        if env.get("WATCHDOG_USEC", "").isdigit() and (not pid or pid == str(os.getpid())):
            usec = int(env["WATCHDOG_USEC"]) or None
        return cls(env.get("NOTIFY_SOCKET"), usec)

    @property
    def enabled(self) -> bool:
        """True when systemd listens."""
        return self.socket_path is not None

    @property
    def interval_s(self) -> float | None:
        """How often to ping: half the watchdog timeout (None: no watchdog asked for)."""
        return self.watchdog_usec / 2_000_000 if self.watchdog_usec else None

    def ready(self, status: str | None = None) -> bool:
        """Tell systemd the service is up (``READY=1``), with an optional status line."""
        return self.notify("READY=1", *([f"STATUS={status}"] if status else []))

    def ping(self) -> bool:
        """Tell systemd the main loop is alive (``WATCHDOG=1``)."""
        return self.notify("WATCHDOG=1")

    def status(self, text: str) -> bool:
        """The one-line status ``systemctl status`` shows."""
        return self.notify(f"STATUS={text}")

    def stopping(self) -> bool:
        """Tell systemd the service is shutting down on purpose (``STOPPING=1``)."""
        return self.notify("STOPPING=1")

    def notify(self, *fields: str) -> bool:
        """Send ``fields`` as one message; False when there is no socket or sending failed."""
        if self.socket_path is None:
            return False
        address = self.socket_path
        if address.startswith("@"):
            address = "\0" + address[1:]
        try:
            if self._socket is None:
                self._socket = socket.socket(
                    socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC
                )
            self._socket.sendto("\n".join(fields).encode(), address)
        except OSError as exc:
            log.warning("sd_notify to %s failed: %s", self.socket_path, exc.strerror or exc)
            return False
        return True

    def close(self) -> None:
        """Close the socket (a later message opens a new one)."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None
