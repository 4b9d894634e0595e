"""The hall server's ASGI application: counter page, display board, phone page, event stream,
client API."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kiosk.core.hall.auth import RequestVerifier
from kiosk.core.hall.service import HallService
from kiosk.hall.api import QueueApiRoutes
from kiosk.hall.board import BoardPages
from kiosk.hall.counter import CounterPages
from kiosk.hall.pages import STATIC, SecurityHeaders, context, templates_for
from kiosk.hall.phone import PhonePages
from kiosk.hall.streams import EventStreams


def create_app(hall: HallService, streams: EventStreams) -> SecurityHeaders:
    """The application over ``hall``; ``streams`` holds its open event streams."""
    templates = templates_for(hall)
    board = BoardPages(hall, templates)
    counter = CounterPages(hall, templates)
    phone = PhonePages(hall, templates)
    key = hall.config.hall.key
    api = QueueApiRoutes(hall, RequestVerifier(key, hall.clock) if key else None)

    async def index(request: Request) -> Response:
        return templates.TemplateResponse(request, "index.html", context(request, hall))

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/board", board.page, methods=["GET"]),
        Route("/board/live", board.live, methods=["GET"]),
        Route("/counter", counter.page, methods=["GET"]),
        Route("/counter/login", counter.login, methods=["POST"]),
        Route("/counter/logout", counter.logout, methods=["POST"]),
        Route("/counter/panel", counter.panel, methods=["GET"]),
        Route("/counter/act", counter.act, methods=["POST"]),
        Route("/m", phone.page, methods=["GET"]),
        Route("/m/live", phone.live, methods=["GET"]),
        Route("/m/take", phone.take, methods=["POST"]),
        Route("/m/cancel", phone.cancel, methods=["POST"]),
        Route("/m/chime.wav", phone.chime, methods=["GET"]),
        Route("/m/qr.svg", phone.qr, methods=["GET"]),
        Route("/events", streams.endpoint, methods=["GET"]),
        Route("/api/v1/ping", api.ping, methods=["GET"]),
        Route("/api/v1/board", board.state, methods=["GET"]),
        Route("/api/v1/queue/{op}", api.operation, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return SecurityHeaders(Starlette(routes=routes))
