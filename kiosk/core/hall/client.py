"""A hall client: the queue of a kiosk whose numbers come from the hall server.

:class:`HallClient` implements :class:`~kiosk.core.queue.QueueApi` with signed HTTP
requests (``[hall] url`` and ``[hall] key``), so screens and the CLI use it exactly
as the local queue. The green channel's age check runs here, on the box that read the
card: the ID number never crosses the network. Every write carries a request id; a
request whose answer was lost is sent again with the same id and changes nothing
twice. When the server cannot be reached the client raises :class:`HallUnavailable`
(取号暂停: the kiosk sends people to the counter and tries again), never a number of
its own; a refused signature raises :class:`HallRefused`.
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import httpx

from kiosk.config import Config
from kiosk.core.hall.events import SseEvent, parse_sse
from kiosk.core.hall.rpc import OPS, decode_result
from kiosk.core.queue import (
    CounterView,
    HallRefused,
    HallUnavailable,
    HallView,
    Priority,
    ServiceStats,
    Ticket,
)
from kiosk.core.queue.errors import error_for_key
from kiosk.core.queue.rules import is_open, priority_for
from offline_sync.clock import Clock
from offline_sync.signing import secret_key, sign_headers

API = "/api/v1/queue"
EVENTS = "/events"


class HallClient:
    """The queue behind a hall server, over signed HTTP requests."""

    def __init__(
        self,
        config: Config,
        clock: Clock,
        name: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        settings = config.hall
        self.config = config
        self.clock = clock
        self.zone = ZoneInfo(config.site.timezone)
        self.base_url = settings.url.rstrip("/")
        self.name = name or socket.gethostname() or "kiosk"
        self._key = secret_key(settings.key)
        self._timeout = settings.request_timeout_s
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=settings.request_timeout_s,
            transport=transport,
            follow_redirects=False,
            headers={"User-Agent": "bianmin-hall-client"},
        )

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    # -- issuing -------------------------------------------------------------------------

    def local_day(self, moment: datetime | None = None) -> date:
        """The local calendar day of ``moment`` (default: now) at the site."""
        return (moment or self.clock.now()).astimezone(self.zone).date()

    def is_open(self, moment: datetime | None = None) -> bool:
        """True during the opening hours of this site file (the server decides in the end)."""
        return is_open(self.config.hours, (moment or self.clock.now()).astimezone(self.zone))

    def take(
        self,
        service_code: str,
        priority: Priority | str | None = None,
        *,
        id_number: str | None = None,
        appointment_code: str | None = None,
        priority_checked: bool = False,
        request_id: str | None = None,
        actor: str | None = None,
    ) -> Ticket:
        """Issue the next number at the server; the age priority is checked here."""
        if not priority_checked:
            priority = priority_for(priority, id_number, self.local_day())
        return self._op(
            "take",
            service_code=service_code,
            priority=str(priority) if priority else None,
            appointment_code=appointment_code,
            priority_checked=True,
            request_id=request_id,
            actor=actor,
        )

    def book(self, service_code: str, slot_at: datetime) -> str:
        """Book an appointment at the server; its code."""
        return self._op("book", service_code=service_code, slot_at=slot_at.isoformat())

    # -- calling and moving ----------------------------------------------------------------

    def call(
        self,
        counter: str,
        service_code: str | None = None,
        *,
        only_if_idle: bool = False,
        request_id: str | None = None,
        actor: str | None = None,
    ) -> Ticket:
        """Call the next ticket to a counter."""
        return self._op(
            "call",
            counter=counter,
            service_code=service_code,
            only_if_idle=only_if_idle,
            request_id=request_id,
            actor=actor,
        )

    def recall(self, ticket_no: str, **request: str | None) -> Ticket:
        """重呼."""
        return self._op("recall", ticket_no=ticket_no, **request)

    def serve(self, ticket_no: str, **request: str | None) -> Ticket:
        """开始办理."""
        return self._op("serve", ticket_no=ticket_no, **request)

    def done(self, ticket_no: str, **request: str | None) -> Ticket:
        """办结."""
        return self._op("done", ticket_no=ticket_no, **request)

    def no_show(self, ticket_no: str, **request: str | None) -> Ticket:
        """过号."""
        return self._op("no_show", ticket_no=ticket_no, **request)

    def cancel(self, ticket_no: str, **request: str | None) -> Ticket:
        """The villager gave the number up."""
        return self._op("cancel", ticket_no=ticket_no, **request)

    def restore(self, ticket_no: str, **request: str | None) -> Ticket:
        """恢复 a no-show of today."""
        return self._op("restore", ticket_no=ticket_no, **request)

    def hold(self, ticket_no: str, **request: str | None) -> Ticket:
        """挂起."""
        return self._op("hold", ticket_no=ticket_no, **request)

    def transfer(self, ticket_no: str, service_code: str, **request: str | None) -> Ticket:
        """转移 to another service."""
        return self._op("transfer", ticket_no=ticket_no, service_code=service_code, **request)

    def call_back(self, ticket_no: str, counter: str, **request: str | None) -> Ticket:
        """回呼 a held ticket."""
        return self._op("call_back", ticket_no=ticket_no, counter=counter, **request)

    def call_chosen(
        self, ticket_no: str, counter: str, reason: str, **request: str | None
    ) -> Ticket:
        """指定叫号 with a reason."""
        return self._op(
            "call_chosen", ticket_no=ticket_no, counter=counter, reason=reason, **request
        )

    def pause_counter(self, counter: str, *, actor: str | None = None) -> None:
        """暂停服务."""
        self._op("pause_counter", counter=counter, actor=actor)

    def resume_counter(self, counter: str, *, actor: str | None = None) -> None:
        """Serve again."""
        self._op("resume_counter", counter=counter, actor=actor)

    def pause_issuing(
        self, service_codes: list[str] | None = None, *, actor: str | None = None
    ) -> None:
        """暂停取号."""
        self._op("pause_issuing", service_codes=service_codes, actor=actor)

    def resume_issuing(
        self, service_codes: list[str] | None = None, *, actor: str | None = None
    ) -> None:
        """Issue numbers again."""
        self._op("resume_issuing", service_codes=service_codes, actor=actor)

    def pause_phone_issuing(self, *, actor: str | None = None) -> None:
        """Stop issuing numbers to phones (扫码取号)."""
        self._op("pause_phone_issuing", actor=actor)

    def resume_phone_issuing(self, *, actor: str | None = None) -> None:
        """Issue numbers to phones again."""
        self._op("resume_phone_issuing", actor=actor)

    def check(self) -> None:
        """A signed read: raises :class:`HallUnavailable` or :class:`HallRefused` (wrong key,
        clock far off) when this box cannot use the hall server (for doctor and set-up)."""
        self.status()

    # -- reading -------------------------------------------------------------------------

    def get(self, ticket_no: str) -> Ticket:
        """Today's ticket with this number."""
        return self._op("get", ticket_no=ticket_no)

    def status(self) -> list[dict[str, object]]:
        """Per service: waiting, at counters, wait estimate."""
        return self._op("status")

    def stats(self, day: date | None = None) -> list[ServiceStats]:
        """Figures per service for a day."""
        return self._op("stats", day=day.isoformat() if day else None)

    def hall_view(self) -> HallView:
        """The display board's view."""
        return self._op("hall_view")

    def counter_view(self, counter: str) -> CounterView:
        """One counter's view."""
        return self._op("counter_view", counter=counter)

    def events(self, last_event_id: int | None = None) -> Iterator[SseEvent]:
        """The hall's event stream (see :func:`hall_events`)."""
        return hall_events(self._http, last_event_id)

    # -- transport -----------------------------------------------------------------------

    def _op(self, name: str, **args: Any) -> Any:
        op = OPS[name]
        args = {k: v for k, v in args.items() if v is not None}
        if "request_id" in op.args and "request_id" not in args:
            args["request_id"] = str(uuid.uuid4())
        body = json.dumps(args, ensure_ascii=False, separators=(",", ":")).encode()
        path = f"{API}/{name}"
        try:
            response = self._send(path, body)
        except httpx.TransportError:
            # The answer may have been lost after the server acted: the same request id
            # makes the second try return what the first one did.
            try:
                response = self._send(path, body)
            except httpx.TransportError as exc:
                raise HallUnavailable(
                    f"hall server {self.base_url} cannot be reached: {exc or type(exc).__name__}"
                ) from None
        return self._answer(op, response)

    def _send(self, path: str, body: bytes) -> httpx.Response:
        target = urlsplit(self.base_url).path.rstrip("/") + path
        headers = sign_headers(
            quote(self.name, safe=""), self._key, "POST", target, body,
            int(self.clock.now().timestamp()),
        )  # fmt: skip
        headers["Content-Type"] = "application/json"
        return self._http.post(path, content=body, headers=headers)

    def _answer(self, op, response: httpx.Response) -> Any:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code == 200 and isinstance(payload, dict) and "result" in payload:
            return decode_result(op, payload["result"])
        error = payload.get("error") if isinstance(payload, dict) else None
        message = error.get("message", "") if isinstance(error, dict) else ""
        if response.status_code == 401:
            raise HallRefused(f"hall server {self.base_url} refused this box: {message}")
        if 400 <= response.status_code < 500 and isinstance(error, dict) and "key" in error:
            raise error_for_key(error["key"], message, error.get("params") or {})
        raise HallUnavailable(
            f"hall server {self.base_url} answered HTTP {response.status_code}: {message}"
        )


def hall_events(http: httpx.Client, last_event_id: int | None = None) -> Iterator[SseEvent]:
    """Events of the hall stream at ``http``'s base URL, until the connection ends.

    The stream is public (the board reads it without a key); :class:`HallUnavailable`
    when it cannot be opened or breaks.
    """
    headers = {"Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    timeout = httpx.Timeout(http.timeout.connect or 5.0, read=None)
    try:
        with http.stream("GET", EVENTS, headers=headers, timeout=timeout) as response:
            if response.status_code != 200:
                raise HallUnavailable(f"{http.base_url}{EVENTS}: HTTP {response.status_code}")
            yield from parse_sse(response.iter_lines())
    except httpx.HTTPError as exc:
        raise HallUnavailable(f"{http.base_url}{EVENTS}: {exc or type(exc).__name__}") from None
