"""Pseudo-terminal pairs for simulated serial devices."""

from __future__ import annotations

import os
import shutil
import tempfile
import termios
import tty
from pathlib import Path

SIM_PORT = "sim"  # the port name that asks a device factory for a simulated device
_SPEEDS = {
    getattr(termios, f"B{baud}"): baud
    for baud in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400)
}


def open_raw_pty() -> tuple[int, int, str]:
    """Open a pty pair with both ends in raw mode; returns (master fd, slave fd, slave path).

    A driver opens the slave path exactly like a USB serial device; the simulator
    talks on the master. Keeping the slave fd open stops the master from seeing
    EOF while no driver has the device open.
    """
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    return master, slave, os.ttyname(slave)


def line_baud(fd: int) -> int | None:
    """The baud rate the driver has set on a pty, read on either end (None: not a usual one).

    A simulator uses it to pace its answers, or to ignore bytes sent at the wrong speed,
    as a real UART would see them.
    """
    return _SPEEDS.get(termios.tcgetattr(fd)[5])


class PluggablePty:
    """A raw pty behind a stable symlink, which can be unplugged and plugged in again.

    :attr:`path` stays the same, like a USB device's name under ``/dev/serial/by-id``;
    each :meth:`plug` opens a new ``/dev/pts/N`` (:attr:`device_path`) behind it, and
    :meth:`unplug` closes the pty and removes the link, so the device disappears for a
    driver exactly as when a cable is pulled. Not thread-safe: one owner drives it.
    """

    def __init__(self, name: str) -> None:
        self._link_dir = Path(tempfile.mkdtemp(prefix="bianmin-sim-"))
        self.path = str(self._link_dir / name)
        self.device_path: str | None = None
        self.master: int | None = None
        self._slave: int | None = None

    @property
    def plugged(self) -> bool:
        """True while the device exists."""
        return self.master is not None

    def plug(self) -> str:
        """Open a new pty behind :attr:`path` (no effect while plugged); its device path."""
        if self.device_path is None:
            self.master, self._slave, self.device_path = open_raw_pty()
            link = Path(self.path)
            staged = link.with_name(link.name + ".new")
            staged.unlink(missing_ok=True)
            staged.symlink_to(self.device_path)
            os.replace(staged, link)  # the path never points at nothing while plugged
        return self.device_path

    def unplug(self) -> None:
        """Remove the link and close the pty (no effect while unplugged)."""
        Path(self.path).unlink(missing_ok=True)
        for fd in (self.master, self._slave):
            if fd is not None:
                os.close(fd)
        self.master = self._slave = None
        self.device_path = None

    def close(self) -> None:
        """Unplug for good and remove the link's directory (again: no effect)."""
        self.unplug()
        shutil.rmtree(self._link_dir, ignore_errors=True)
