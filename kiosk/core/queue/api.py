"""The queue as every front-end sees it, local or behind the hall server.

:class:`QueueService` (the site's own store) and the hall client
(:class:`kiosk.core.hall.client.HallClient`, signed requests to the hall server)
both implement :class:`QueueApi`; the composition root picks one from ``[hall] url``.
Writes take ``request_id`` (a retried request changes nothing twice) and ``actor``
(who did it, for the queue log).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol, runtime_checkable

from kiosk.core.queue.model import CounterView, HallView, Priority, ServiceStats, Ticket


@runtime_checkable
class QueueApi(Protocol):
    """Issue, call and move queue tickets; read the hall's state."""

    def is_open(self, moment: datetime | None = None) -> bool:
        """True during opening hours."""
        ...

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
        """Issue the next number of a service."""
        ...

    def book(self, service_code: str, slot_at: datetime) -> str:
        """Book an appointment; its 6-digit code."""
        ...

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
        ...

    def recall(self, ticket_no: str, **request: str | None) -> Ticket:
        """重呼."""
        ...

    def serve(self, ticket_no: str, **request: str | None) -> Ticket:
        """开始办理."""
        ...

    def done(self, ticket_no: str, **request: str | None) -> Ticket:
        """办结."""
        ...

    def no_show(self, ticket_no: str, **request: str | None) -> Ticket:
        """过号."""
        ...

    def cancel(self, ticket_no: str, **request: str | None) -> Ticket:
        """The villager gave the number up."""
        ...

    def restore(self, ticket_no: str, **request: str | None) -> Ticket:
        """恢复 a no-show of today."""
        ...

    def hold(self, ticket_no: str, **request: str | None) -> Ticket:
        """挂起."""
        ...

    def transfer(self, ticket_no: str, service_code: str, **request: str | None) -> Ticket:
        """转移 to another service."""
        ...

    def call_back(self, ticket_no: str, counter: str, **request: str | None) -> Ticket:
        """回呼 a held ticket."""
        ...

    def call_chosen(
        self, ticket_no: str, counter: str, reason: str, **request: str | None
    ) -> Ticket:
        """指定叫号 with a reason."""
        ...

    def pause_counter(self, counter: str, *, actor: str | None = None) -> None:
        """暂停服务."""
        ...

    def resume_counter(self, counter: str, *, actor: str | None = None) -> None:
        """Serve again after a pause."""
        ...

    def pause_issuing(
        self, service_codes: list[str] | None = None, *, actor: str | None = None
    ) -> None:
        """暂停取号."""
        ...

    def resume_issuing(
        self, service_codes: list[str] | None = None, *, actor: str | None = None
    ) -> None:
        """Issue numbers again."""
        ...

    def pause_phone_issuing(self, *, actor: str | None = None) -> None:
        """Stop issuing numbers to phones (扫码取号)."""
        ...

    def resume_phone_issuing(self, *, actor: str | None = None) -> None:
        """Issue numbers to phones again."""
        ...

    def get(self, ticket_no: str) -> Ticket:
        """Today's ticket with this number."""
        ...

    def status(self) -> list[dict[str, object]]:
        """Per service: waiting, at counters, wait estimate."""
        ...

    def stats(self, day: date | None = None) -> list[ServiceStats]:
        """Figures per service for a day."""
        ...

    def hall_view(self) -> HallView:
        """The display board's view."""
        ...

    def counter_view(self, counter: str) -> CounterView:
        """One counter's view."""
        ...
