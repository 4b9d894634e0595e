"""The display board (``/board``): the hall's TV, read-only, no login, never a name.

The page is drawn whole by the server; its live part (``/board/live``) is fetched
again on every event of the hall stream, on every reconnect, and every few seconds
when the stream is unavailable, so a TV nobody touches always catches up by itself.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from kiosk.core.hall.service import HallService
from kiosk.hall.pages import context, on_store


class BoardPages:
    """The board's routes."""

    def __init__(self, hall: HallService, templates: Jinja2Templates) -> None:
        self.hall = hall
        self.templates = templates

    async def _values(self) -> dict[str, object]:
        view, showing, notices, _now = await on_store(self.hall, self.hall.board)
        names = {s.code: s.name for s in self.hall.config.services}
        return {
            "view": view,
            "showing": showing,
            "notices": notices,
            "service_names": names,
            "min_show_s": self.hall.config.hall.min_show_s,
            "phone_url": self.hall.config.hall.phone_url,
        }

    async def page(self, request: Request) -> Response:
        """``GET /board``: the whole board."""
        values = await self._values()
        return self.templates.TemplateResponse(
            request, "board.html", context(request, self.hall, **values)
        )

    async def live(self, request: Request) -> Response:
        """``GET /board/live``: the board's changing part, as HTML."""
        values = await self._values()
        return self.templates.TemplateResponse(
            request, "_board_live.html", context(request, self.hall, **values)
        )

    async def state(self, request: Request) -> Response:
        """``GET /api/v1/board``: the same state as JSON (for other screens and tests)."""
        view, showing, notices, now = await on_store(self.hall, self.hall.board)
        return JSONResponse(
            {
                "site": self.hall.config.site.name,
                "now": now.isoformat(timespec="seconds"),
                "view": view.as_json(),
                "showing": showing.as_json(),
                "notices": [{"title": n.title, "text": n.text} for n in notices],
            }
        )
