"""Running the reference platform with uvicorn: in the foreground (CLI) or in a thread (tests)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Callable

import uvicorn
from starlette.types import ASGIApp

from offline_sync.platform_server.app import create_app
from offline_sync.platform_server.service import PlatformService


class _Server(uvicorn.Server):
    def __init__(
        self,
        config: uvicorn.Config,
        on_started: Callable[[], None],
        on_stopping: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(config)
        self._on_started = on_started
        self._on_stopping = on_stopping

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # Long answers (event streams) are told to end before uvicorn waits for them.
        if self._on_stopping is not None:
            self._on_stopping()
        await super().shutdown(sockets)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        await super().startup(sockets)
        if self.started:
            self._on_started()

    async def main_loop(self) -> None:
        # uvicorn's loop, but woken at once by wake() instead of only every 0.1 s.
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)

    def wake(self) -> None:
        """Have the serving loop look at ``should_exit`` now (from any thread)."""
        loop = getattr(self, "_loop", None)
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake.set)


class AsgiServer:
    """An ASGI application served by uvicorn on a socket bound when it is made (port 0: a free one).

    ``url`` is known at once; :meth:`serve_forever` runs in the calling (main) thread
    and stops on SIGINT/SIGTERM; :meth:`start` and :meth:`stop` run it in a thread.
    ``on_started`` is called once the server is listening.
    Binding raises OSError (port in use, address not available).
    """

    def __init__(
        self,
        app: ASGIApp,
        host: str = "127.0.0.1",
        port: int = 0,
        on_started: Callable[[], None] | None = None,
        name: str = "asgi-server",
        on_stopping: Callable[[], None] | None = None,
    ) -> None:
        """``on_stopping`` runs on the serving loop when shutdown begins (end long answers)."""
        self.name = name
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_STREAM)
        try:
            self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._socket.bind((host, port))
        except OSError:
            self._socket.close()
            raise
        self.host = host
        self.port = self._socket.getsockname()[1]
        shown = f"[{host}]" if family == socket.AF_INET6 else host
        self.url = f"http://{shown}:{self.port}"
        self.started = threading.Event()
        config = uvicorn.Config(
            app,
            log_config=None,
            date_header=False,
            server_header=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._on_started = on_started
        self._server = _Server(config, self._started, on_stopping)
        self._thread: threading.Thread | None = None

    def _started(self) -> None:
        self.started.set()
        if self._on_started is not None:
            self._on_started()

    def serve_forever(self) -> None:
        """Serve until interrupted (SIGINT/SIGTERM when called from the main thread)."""
        try:
            self._server.run(sockets=[self._socket])
        finally:
            self._socket.close()

    def start(self, timeout_s: float = 10.0) -> str:
        """Serve in a background thread; the URL once it is listening."""
        self._thread = threading.Thread(target=self.serve_forever, name=self.name, daemon=True)
        self._thread.start()
        if not self.started.wait(timeout_s):
            self.stop()
            raise RuntimeError(f"the {self.name} did not start within {timeout_s} s")
        return self.url

    def stop(self) -> None:
        """Stop a server started with :meth:`start` and wait for its thread."""
        self._server.should_exit = True
        self._server.wake()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None


class PlatformServer(AsgiServer):
    """The reference platform's HTTP server (see :class:`AsgiServer`)."""

    def __init__(
        self,
        service: PlatformService,
        host: str = "127.0.0.1",
        port: int = 0,
        on_started: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(create_app(service), host, port, on_started, name="platform server")
        self.service = service
