"""The phone page (``/m``, 扫码取号): take a number on a phone, follow it live, give it up.

No log-in and nothing personal: a phone is known by a random token its browser makes
and keeps (in ``localStorage`` and the ``bm_phone`` cookie), so a reload or the screen
going off finds the same number again. Reads (``GET /m``, ``GET /m/live``) draw the
page's regions for that token; the page fetches its live part again on every event of
the hall stream (``/events``, as the board). Writes (``POST /m/take``, ``/m/cancel``)
must carry the token in the ``X-Phone`` header, which a page of another site cannot
send, and come from this origin: no cross-site request forgery without a secret on the
page. Each write carries a request id the page keeps until it has the answer, so a
request repeated after a lost answer issues nothing new. Requests are rate-limited per
network address; every refusal is a plain sentence from the message catalogue.
"""

from __future__ import annotations

import io
import json
import logging
import wave
from typing import Any

import qrcode
import qrcode.image.svg
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from kiosk.core.errors import explain
from kiosk.core.hall.service import HallService
from kiosk.core.queue import QueueError, Ticket
from kiosk.core.queue.errors import PhoneTooFast
from kiosk.core.queue.phone import Phone, PhoneView, is_request_id, is_token
from kiosk.core.voice.wav import WavFormat, chime, silence
from kiosk.hall.pages import context, on_store, same_origin, write

log = logging.getLogger(__name__)

COOKIE = "bm_phone"
HEADER = "x-phone"
MAX_BODY = 1024
CHIME_REPEATS = 3


def _token(request: Request, header_only: bool = False) -> str | None:
    token = request.headers.get(HEADER) or (None if header_only else request.cookies.get(COOKIE))
    return token if is_token(token) else None


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class PhonePages:
    """The phone page's routes."""

    def __init__(self, hall: HallService, templates: Jinja2Templates) -> None:
        self.hall = hall
        self.templates = templates
        self._chime: bytes | None = None
        self._qr: bytes | None = None

    # -- reading -------------------------------------------------------------------------

    async def _view(self, request: Request, header_only: bool = False) -> PhoneView:
        token = _token(request, header_only)
        phone = Phone(token, _address(request)) if token else None
        return await on_store(self.hall, lambda: self.hall.phone.view(phone))

    def _values(self, view: PhoneView) -> dict[str, Any]:
        return {"view": view, "phone_url": self.hall.config.hall.phone_url}

    async def page(self, request: Request) -> Response:
        """``GET /m``: the whole page, drawn for the phone's cookie when it has one."""
        if not self.hall.phone_reads.allow(_address(request)):
            return self._too_fast_page(request)
        view = await self._view(request)
        return self.templates.TemplateResponse(
            request, "phone.html", context(request, self.hall, **self._values(view))
        )

    async def live(self, request: Request) -> Response:
        """``GET /m/live``: the page's changing part, as HTML."""
        if not self.hall.phone_reads.allow(_address(request)):
            return Response(status_code=429, headers={"Retry-After": "5"})
        view = await self._view(request)
        return self.templates.TemplateResponse(
            request, "_phone_live.html", context(request, self.hall, **self._values(view))
        )

    def _too_fast_page(self, request: Request) -> Response:
        text = self.hall.messages.get(PhoneTooFast.key)
        return Response(text, status_code=429, media_type="text/plain; charset=utf-8")

    # -- writing -------------------------------------------------------------------------

    async def take(self, request: Request) -> Response:
        """``POST /m/take`` ``{"service", "request_id"}``: a number for this phone."""
        return await self._act(request, "service", self._take)

    async def cancel(self, request: Request) -> Response:
        """``POST /m/cancel`` ``{"ticket_id", "request_id"}``: 取消排队."""
        return await self._act(request, "ticket_id", self._cancel)

    def _take(self, phone: Phone, service: str, request_id: str) -> tuple[str, dict]:
        ticket = self.hall.phone.take(phone, service, request_id)
        return "phone.taken", _numbered(ticket)

    def _cancel(self, phone: Phone, ticket_id: str, request_id: str) -> tuple[str, dict]:
        ticket = self.hall.phone.cancel(phone, ticket_id, request_id)
        return "phone.cancel_done", _numbered(ticket)

    async def _act(self, request: Request, field: str, work) -> Response:
        token = _token(request, header_only=True)
        if token is None or not same_origin(request):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        try:
            args = json.loads((await request.body())[:MAX_BODY] or b"{}")
            value, request_id = str(args[field])[:64], str(args["request_id"])
        except (ValueError, TypeError, KeyError):
            return JSONResponse({"error": "bad request"}, status_code=400)
        if not is_request_id(request_id):
            return JSONResponse({"error": "bad request"}, status_code=400)
        phone = Phone(token, _address(request))
        status = 200
        if not self.hall.phone_actions.allow(phone.address):
            key, params, tone, status = PhoneTooFast.key, {}, "error", 429
        else:
            try:
                key, params = await write(self.hall, lambda: work(phone, value, request_id))
                tone = "ok"
            except QueueError as exc:
                key, params = explain(exc, self.hall.messages)
                tone, status = "error", 409
                log.info("phone page: %s refused: %s", phone.actor, exc)
        view = await on_store(self.hall, lambda: self.hall.phone.view(phone))
        html = self.templates.get_template("_phone_live.html").render(
            context(request, self.hall, **self._values(view))
        )
        message = self.hall.messages.get(key, **params)
        return JSONResponse({"message": message, "tone": tone, "live": html}, status_code=status)

    # -- the sound and the QR ----------------------------------------------------------

    async def chime(self, request: Request) -> Response:
        """``GET /m/chime.wav``: the hall's chime, three times, played when a number is called."""
        if self._chime is None:
            self._chime = chime_wav()
        return Response(
            self._chime, media_type="audio/wav", headers={"Cache-Control": "max-age=86400"}
        )

    async def qr(self, request: Request) -> Response:
        """``GET /m/qr.svg``: the QR code of the phone page as phones reach it (404 without
        ``[hall] public_url``)."""
        url = self.hall.config.hall.phone_url
        if not url:
            return Response(status_code=404)
        if self._qr is None:
            self._qr = qr_svg(url)
        return Response(self._qr, media_type="image/svg+xml")


def _numbered(ticket: Ticket) -> dict[str, object]:
    return {"ticket_no": ticket.display_no, "service": ticket.service_name}


def chime_wav(repeats: int = CHIME_REPEATS) -> bytes:
    """The hall's two-tone chime ``repeats`` times, loud enough for a phone's speaker, as WAV."""
    fmt = WavFormat(rate=11025)  # half the loudspeakers' rate: a phone's speaker loses nothing
    bell = chime(fmt, volume=0.9)
    frames = silence(fmt, 0.4).join([bell] * repeats)
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(fmt.channels)
        wav.setsampwidth(fmt.sample_width)
        wav.setframerate(fmt.rate)
        wav.writeframes(frames)
    return out.getvalue()


def qr_svg(url: str) -> bytes:
    """A QR code of ``url`` as SVG (black modules, no background: the page gives it one)."""
    image = qrcode.make(
        url,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=0,
    )
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()
