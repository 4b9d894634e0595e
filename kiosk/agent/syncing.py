"""The tablet's 同步 button: one sync on a thread of its own (with its own store connection),
the progress bar over the agent's records and bytes meanwhile, and the outcome in words."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock

if TYPE_CHECKING:
    from kiosk.agent.app import AgentApp

POLL_S = 0.5


class AgentSync:
    """Runs a sync when asked and shows how far it got."""

    def __init__(self, app: AgentApp) -> None:
        self.app = app
        self._whole: tuple[int, int] = (0, 0)  # the agent's records and bytes when it began
        self._poll: Any = None

    def start(self) -> None:
        """Sync now, unless a sync runs already (before login: the accounts and catalogue)."""
        app = self.app
        if app.syncing:
            return
        if app.desk is None:
            self._begin((0, 0))
            return
        app.call_desk(
            lambda desk: desk.lists.backlog(), lambda b: self._begin((b.records, b.bytes))
        )

    def _begin(self, whole: tuple[int, int]) -> None:
        self._whole = whole
        self.app.sync_progress = 0.0
        self.app.syncing = True
        if whole != (0, 0):
            self._poll = Clock.schedule_interval(self._seen, POLL_S)
        threading.Thread(target=self._run, name="agent-sync", daemon=True).start()

    def _run(self) -> None:
        try:
            services = self.app.services.submit(lambda built: built).result()
            result: Any = services.sync_once()
        except Exception as exc:  # shown in words when it comes back to the UI thread
            result = exc
        Clock.schedule_once(lambda _dt: self._done(result))

    def _seen(self, _dt: float) -> None:
        def progress(backlog: Any) -> None:
            records, size = self._whole
            parts = []
            if records:
                parts.append(1 - backlog.records / records)
            if size:
                parts.append(1 - backlog.bytes / size)
            if parts:
                self.app.sync_progress = max(self.app.sync_progress, min(parts))

        self.app.call_desk(lambda desk: desk.lists.backlog(), progress)

    def _done(self, result: Any) -> None:
        app = self.app
        if app.stopped:
            return
        app.syncing = False
        if self._poll is not None:
            self._poll.cancel()
            self._poll = None
        app.sync_progress = 1.0
        if isinstance(result, Exception):
            app.show_problem(result)
        elif not result.complete:
            app.show_message("agent.ui.sync_later", role="secondary")
        else:
            # The agent counts their cases; the tablet's own records (audit) go unmentioned.
            sent = result.delivered_kinds["case"]
            app.show_message("agent.ui.sync_done", role="success", sent=sent)
        app.refresh_badge()
        refresh = getattr(app.root.current_screen, "refresh", None) if app.root else None
        if refresh is not None and app.desk is not None:
            refresh()
