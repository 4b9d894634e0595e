"""Page plumbing shared by the hall's web pages: templates, wording, security headers.

Templates and static files are package data found from this module's location.
Every word a person reads comes from the message catalogue through ``t(key, ...)``
in the templates; Jinja escapes everything it fills in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.core.hall.service import HallService

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
WEEKDAYS = "一二三四五六日"

T = TypeVar("T")

# No inline script or style: what a page runs comes from /static only.
_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
        b" frame-ancestors 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # "no-referrer" would make POSTs say Origin: null
    (b"x-frame-options", b"DENY"),
]


def templates_for(hall: HallService) -> Jinja2Templates:
    """The hall's templates, with ``t`` (the catalogue) and the site's name in every page."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    messages = hall.messages

    def marked(key: str, **values: Any) -> Markup:
        """The sentence with its values put in as given markup (everything else escaped)."""
        return Markup.escape(messages.get(key)).format(**values)

    env.globals.update(t=messages.get, tm=marked, site_name=hall.config.site.name)
    env.filters["clock"] = _clock
    env.filters["date_line"] = lambda moment: (
        f"{moment:%Y年%m月%d日} 星期{WEEKDAYS[moment.weekday()]}"
    )
    return Jinja2Templates(env=env)


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def local_now(hall: HallService) -> datetime:
    """Now at the site."""
    return hall.clock.now().astimezone(hall.queue.zone)


async def on_store(hall: HallService, work: Callable[[], T]) -> T:
    """Run ``work`` on the hall's store thread without blocking the event loop."""
    return await asyncio.wrap_future(hall.submit(work))


async def write(hall: HallService, work: Callable[[], T]) -> T:
    """Run a queue write on the store thread, then wake the hub so boards hear of it now."""
    try:
        return await on_store(hall, work)
    finally:
        hall.hub.notify()


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site (CSRF defence).

    Browsers send ``Origin`` on every POST; a request without it (a script, an old
    browser) still needs the session's CSRF token or the login form's cookie.
    """
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin.split("://", 1)[-1] == request.headers.get("host", "")


class SecurityHeaders:
    """Outermost middleware: security headers on every answer, no caching of pages (unless
    the answer says how long it may be kept)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                cached = any(name.lower() == b"cache-control" for name, _ in headers)
                headers += _HEADERS
                if not (static or cached):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def context(request: Request, hall: HallService, **values: Any) -> dict[str, Any]:
    """Template values every page has."""
    return {
        "request": request,
        "now": local_now(hall),
        "tz": hall.config.site.timezone,
        **values,
    }
