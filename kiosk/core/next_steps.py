"""What to do next, in one line each, after every result (a ticket, a receipt, a report,
a call for staff): which window, how the result comes, how to check progress here, the
centre's phone number.

A line is a :class:`Sentence` (a message key and its values), so the screen, the voice
and the paper say exactly the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.config import Config, Service
from kiosk.core.cases.reference import typed_digits
from kiosk.core.messages import Messages
from kiosk.core.wording import listed


@dataclass(frozen=True)
class Sentence:
    """A message key of the catalogue and the values of its placeholders."""

    key: str
    values: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, **values: object) -> Sentence:
        return cls(key, tuple(values.items()))

    def text(self, messages: Messages) -> str:
        """The sentence in words."""
        return messages.get(self.key, **dict(self.values))


def service_for_theme(config: Config, theme: str) -> Service:
    """The queue service whose counters handle a catalogue theme (``[[services]] themes``);
    else the first service listing no themes (综合受理), else the first service."""
    for service in config.services:
        if theme in service.themes:
            return service
    general = [s for s in config.services if not s.themes]
    return (general or config.services)[0]


def help_counters(config: Config) -> tuple[str, ...]:
    """Where a villager finds staff: the counters of the general service."""
    return tuple(service_for_theme(config, "").counters)


def phone_line(config: Config) -> tuple[Sentence, ...]:
    """``咨询电话 0831-5601234``, when the site gave its number."""
    return (Sentence.of("next.phone", phone=config.site.phone),) if config.site.phone else ()


def after_ticket(config: Config, service_code: str, number: str) -> Sentence:
    """请到 1号窗口、2号窗口 前等候，叫到 A001 再去办理。"""
    counters = listed(config.service(service_code).counters)
    return Sentence.of("next.ticket", counters=counters, ticket_no=number)


def remember_ticket(config: Config, service_code: str, number: str) -> Sentence:
    """When no paper came out: 请记住您的号码 A001，到 3号窗口 前等候。"""
    counters = listed(config.service(service_code).counters)
    return Sentence.of("next.ticket.remember", counters=counters, ticket_no=number)


def after_receipt(
    config: Config,
    theme: str,
    reference: str,
    on_platform: bool,
    promised_days: int,
    result: Sentence | None = None,
    *,
    card_read: bool = True,
) -> tuple[Sentence, ...]:
    """The receipt's lines: whether to go to a window now (no: or, no card read, to have
    the card checked first); when it is done (from the sending, while offline), where to
    collect the result (``result``: how it comes instead, e.g. by post), how to check
    progress here, the phone number."""
    counters = listed(service_for_theme(config, theme).counters)
    now = (
        Sentence.of("next.receipt.now")
        if card_read
        else Sentence.of("next.receipt.check_card", counters=counters)
    )
    when = (
        Sentence.of("next.receipt.promise", days=promised_days)
        if on_platform
        else Sentence.of("next.receipt.promise_after_sending", days=promised_days)
    )
    return (
        now,
        when,
        result or Sentence.of("next.receipt.collect", counters=counters),
        Sentence.of("next.receipt.progress", digits=typed_digits(reference)),
        *phone_line(config),
    )


def after_report(config: Config) -> tuple[Sentence, ...]:
    """After 办不成事: who calls back, where to go, the phone."""
    counters = listed(help_counters(config))
    return (Sentence.of("next.report", counters=counters), *phone_line(config))


def staff_called(config: Config) -> tuple[Sentence, ...]:
    """After 找工作人员: where to find staff, the phone. The help-wanted alert shows only
    in the technicians' tools (bianmin status, doctor, alerts) until the hall shows it, so
    the villager is not told that anyone is coming."""
    counters = listed(help_counters(config))
    return (Sentence.of("next.help", counters=counters), *phone_line(config))
