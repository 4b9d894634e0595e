"""The home screen's header: the clock, the platform link and the notices, kept current."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)

NOTICE_ROTATE_S = 8.0
STATUS_POLL_S = 15.0
LINK_KEYS = {"up": "link.online", "down": "link.offline"}


class StatusBoard:
    """Writes the time, the link state and the notices into the app's properties."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app

    def tick(self, _dt: float = 0) -> None:
        """The clock and date, in the site's time zone."""
        app = self.app
        local = app.clock.now().astimezone(app.zone)
        app.time_text = local.strftime("%H:%M")
        weekday = app.t(f"weekday.{local.isoweekday()}")
        app.date_text = app.t(
            "home.date", year=local.year, month=local.month, day=local.day, weekday=weekday
        )

    def poll(self, _dt: float = 0) -> None:
        """Ask the services for the link state and the notices (on the service thread)."""

        def read(services):
            return services.sync.status(), services.notices.current()

        self.app.call(read, self._show, lambda exc: log.warning("status poll: %s", exc))

    def _show(self, status_and_notices: tuple[Any, list[Any]]) -> None:
        app = self.app
        status, notices = status_and_notices
        app.link_state = status.link_state
        text = app.t(LINK_KEYS.get(status.link_state, "link.offline"))
        if status.pending_records:
            text += "  " + app.t("link.pending", count=status.pending_records)
        app.link_text = text
        texts = [f"{n.title}：{n.text}" if n.text else n.title for n in notices]
        if set(texts) != set(app.notices):  # keep the rotation when nothing changed
            app.notices = texts

    def rotate(self, _dt: float = 0) -> None:
        """Show the next notice first."""
        notices = self.app.notices
        if len(notices) > 1:
            self.app.notices = notices[1:] + notices[:1]
