"""Running the hall server: the hall service, its hub, the web application, the speaker.

:class:`HallServer` binds its socket when made (``url`` known at once), serves in the
foreground (``bianmin hall serve``) or in a thread (tests, benchmarks), and stops
its event streams, hub and speaker when it stops.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.core.hall.announce import Speaker
from kiosk.core.hall.service import HallService
from kiosk.hall.app import create_app
from kiosk.hall.streams import EventStreams
from offline_sync.platform_server.runner import AsgiServer


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8470`` for IPv6) as a pair; ValueError otherwise."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not host or int(port) > 65535:
        raise ValueError(f"{text!r} is not HOST:PORT")
    return host.strip("[]"), int(port)


class HallServer:
    """The hall server on one socket."""

    def __init__(
        self,
        hall: HallService,
        host: str = "127.0.0.1",
        port: int = 0,
        speaker: Speaker | None = None,
        on_started: Callable[[], None] | None = None,
    ) -> None:
        self.hall = hall
        self.speaker = speaker
        self.streams = EventStreams(hall.hub)
        self._server = AsgiServer(
            create_app(hall, self.streams),
            host,
            port,
            on_started,
            name="hall server",
            on_stopping=self.streams.close_all,
        )
        self.url = self._server.url
        self.port = self._server.port
        self._unsubscribe: Callable[[], None] | None = None

    def _begin(self) -> None:
        self.hall.start()
        if self.speaker is not None:
            self._unsubscribe = self.hall.hub.subscribe(self.speaker.on_event)
            self.speaker.start()

    def _end(self) -> None:
        self.streams.close_all()
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self.speaker is not None:
            self.speaker.stop()
        self.hall.stop()

    def serve_forever(self) -> None:
        """Serve until SIGINT/SIGTERM (from the main thread)."""
        self._begin()
        try:
            self._server.serve_forever()
        finally:
            self._end()

    def start(self) -> str:
        """Serve in a background thread; the base URL once it listens."""
        self._begin()
        return self._server.start()

    def stop(self) -> None:
        """Stop serving, end every stream, stop the hub and the speaker."""
        self.streams.close_all()
        self._server.stop()
        self._end()
