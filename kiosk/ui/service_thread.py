"""One thread that owns the kiosk's services (store, printer, ...) and runs every call to them.

The store is one connection per thread and the printer one port, so the UI thread never
touches them: it hands work to this thread and gets the result back on its own thread.
The services are built on this thread too, so start-up shows the home screen at once.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class ServiceThread:
    """Runs ``work(services)`` calls one at a time on a thread that built the services."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-services")
        self._services: Future[Any] = self._executor.submit(build)
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closed

    def submit(self, work: Callable[[Any], T]) -> Future[T]:
        """Queue ``work``; it receives the services and its result comes back in the future."""
        return self._executor.submit(lambda: work(self._services.result()))

    def rebuild(self, build: Callable[[], Any]) -> Future[None]:
        """Close the services and build them again with ``build`` (a new configuration),
        after the work queued before; the work queued after runs on the new ones."""

        def swap() -> None:
            if self._services.exception() is None:
                self._services.result().close()
            fresh: Future[Any] = Future()
            try:
                fresh.set_result(build())
            except Exception as exc:  # handed to every later call, as at start-up
                fresh.set_exception(exc)
            self._services = fresh
            fresh.result()  # the caller's future says how it went

        return self._executor.submit(swap)

    def call(
        self,
        work: Callable[[Any], T],
        done: Callable[[T], None] | None,
        failed: Callable[[BaseException], None],
        on_ui: Callable[[Callable[[Any], None], Any], None],
    ) -> Future[T]:
        """Queue ``work``; then hand ``done(result)`` or ``failed(exc)`` to ``on_ui``, which
        runs it on the UI thread (a front-end's ``Clock.schedule_once`` and error edge)."""
        future = self.submit(work)

        def finished(f: Future[T]) -> None:
            error = f.exception()
            if error is not None:
                on_ui(failed, error)
            elif done is not None:
                on_ui(done, f.result())

        future.add_done_callback(finished)
        return future

    def close(self) -> None:
        """Finish queued work, close the services and stop the thread (again: nothing)."""
        if self._closed:
            return
        self._closed = True

        def close_services() -> None:
            if self._services.exception() is None:
                self._services.result().close()

        self._executor.submit(close_services)
        self._executor.shutdown(wait=True)
