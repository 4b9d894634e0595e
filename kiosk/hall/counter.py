"""The counter page (``/counter``): staff log in at their counter and call, serve, finish.

Log-in is a plain form (staff id, PIN, counter) guarded by a double-submit cookie;
the session cookie is HttpOnly and SameSite=Strict. Each press on the page posts
JSON to ``/counter/act`` with the session's CSRF token in a header and a fresh request
id (a repeated press changes nothing twice); the answer carries the sentence to show
and the page's new panel. The page follows the hall stream to keep its counts fresh.
"""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from kiosk.core.errors import explain
from kiosk.core.hall import desk
from kiosk.core.hall.errors import HallError, SessionEnded
from kiosk.core.hall.service import HallService
from kiosk.core.hall.sessions import CounterSession
from kiosk.core.queue import QueueError
from kiosk.hall.pages import context, on_store, same_origin, write

SESSION_COOKIE = "hall_session"
LOGIN_COOKIE = "hall_login"
MAX_FORM = 4096


class CounterPages:
    """The counter page's routes."""

    def __init__(self, hall: HallService, templates: Jinja2Templates) -> None:
        self.hall = hall
        self.templates = templates

    # -- log-in ----------------------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        """``GET /counter``: the counter page, or the log-in form."""
        try:
            session = await self._session(request)
        except SessionEnded:
            return self._login(request)
        panel = await self._panel_values(session)
        return self.templates.TemplateResponse(
            request,
            "counter.html",
            context(request, self.hall, session=session, **panel),
        )

    def _login(
        self, request: Request, error: tuple[str, dict] | None = None, staff_id: str = ""
    ) -> Response:
        token = secrets.token_urlsafe(24)
        response = self.templates.TemplateResponse(
            request,
            "login.html",
            context(
                request,
                self.hall,
                csrf=token,
                counters=self.hall.counters,
                error=error,
                staff_id=staff_id,
            ),
            status_code=200 if error is None else 401,
        )
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/counter")
        return response

    async def login(self, request: Request) -> Response:
        """``POST /counter/login``."""
        form = await _form(request)
        cookie = request.cookies.get(LOGIN_COOKIE, "")
        staff_id = form.get("staff_id", "").strip()
        if not (
            same_origin(request) and cookie and secrets.compare_digest(cookie, form.get("csrf", ""))
        ):
            return self._login(request, ("hall.login.expired", {}), staff_id)
        counter = form.get("counter", "")
        if counter not in self.hall.counters:
            return self._login(request, ("hall.login.pick_counter", {}), staff_id)
        try:
            staff = await on_store(
                self.hall, lambda: self.hall.staff.verify(staff_id, form.get("pin", ""))
            )
            token, _session = await on_store(
                self.hall, lambda: self.hall.sessions.open(staff, counter)
            )
        except HallError as exc:
            return self._login(request, explain(exc, self.hall.messages), staff_id)
        response = RedirectResponse("/counter", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=int(self.hall.config.hall.session_hours * 3600),
            httponly=True,
            samesite="strict",
            path="/",
        )
        response.delete_cookie(LOGIN_COOKIE, path="/counter")
        return response

    async def logout(self, request: Request) -> Response:
        """``POST /counter/logout`` (the form carries the session's CSRF token)."""
        form = await _form(request)
        try:
            session = await self._session(request)
        except SessionEnded:
            return RedirectResponse("/counter", status_code=303)
        if same_origin(request) and secrets.compare_digest(session.csrf, form.get("csrf", "")):
            token = request.cookies.get(SESSION_COOKIE)
            await on_store(self.hall, lambda: self.hall.sessions.close(token))
        response = RedirectResponse("/counter", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # -- the desk --------------------------------------------------------------------------

    async def panel(self, request: Request) -> Response:
        """``GET /counter/panel``: the page's changing part."""
        try:
            session = await self._session(request)
        except SessionEnded:
            return JSONResponse({"login": True}, status_code=401)
        values = await self._panel_values(session)
        return self.templates.TemplateResponse(
            request, "_counter_panel.html", context(request, self.hall, session=session, **values)
        )

    async def act(self, request: Request) -> Response:
        """``POST /counter/act``: one press of a desk button."""
        try:
            session = await self._session(request)
        except SessionEnded:
            return JSONResponse({"login": True}, status_code=401)
        given = request.headers.get("x-csrf-token", "")
        if not (same_origin(request) and secrets.compare_digest(session.csrf, given)):
            return JSONResponse({"login": True}, status_code=403)
        try:
            args = json.loads((await request.body())[:MAX_FORM] or b"{}")
            action = desk.DeskAction(args.get("action"))
        except (ValueError, TypeError, AttributeError):
            return JSONResponse({"error": "bad request"}, status_code=400)
        values = {k: str(args.get(k) or "")[:100] for k in ("ticket_no", "service_code", "reason")}
        services = [s.code for s in self.hall.config.services if session.counter in s.counters]
        try:
            outcome = await write(
                self.hall,
                lambda: desk.perform(
                    self.hall.queue,
                    session.counter,
                    services,
                    action,
                    request_id=str(args.get("request_id") or "")[:64] or None,
                    actor=session.actor,
                    **values,
                ),
            )
            message, tone = self.hall.messages.get(outcome.key, **outcome.params), "ok"
        except QueueError as exc:
            key, params = explain(exc, self.hall.messages)
            message, tone = self.hall.messages.get(key, **params), "error"
        panel = await self._panel_values(session)
        html = self.templates.get_template("_counter_panel.html").render(
            context(request, self.hall, session=session, **panel)
        )
        return JSONResponse({"message": message, "tone": tone, "panel": html})

    # -- helpers ---------------------------------------------------------------------------

    async def _session(self, request: Request) -> CounterSession:
        token = request.cookies.get(SESSION_COOKIE)
        return await on_store(self.hall, lambda: self.hall.sessions.find(token))

    async def _panel_values(self, session: CounterSession) -> dict[str, Any]:
        view = await on_store(self.hall, lambda: self.hall.queue.counter_view(session.counter))
        mine = set(view.services)
        return {
            "view": view,
            "buttons": desk.buttons(view),
            "transfer_to": [
                s
                for s in self.hall.config.services
                if not view.current or s.code != view.current.service_code
            ],
            "reasons": desk.CHOSEN_CALL_REASONS,
            "mine": mine,
        }


async def _form(request: Request) -> dict[str, str]:
    """A url-encoded form's fields (first value of each), at most ``MAX_FORM`` bytes read."""
    body = await request.body()
    fields = parse_qs(body[:MAX_FORM].decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in fields.items()}
