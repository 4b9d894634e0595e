"""What goes on paper: the queue ticket, a case's receipt (申请回执), the materials list of a
service guide and the daily statistics slip, built from plain dataclasses.

Every sentence comes from the message catalogue (``printing.*`` keys, and the ``next.*``
lines the screen and the voice say too). Names, ID numbers and phone numbers are masked
before they reach paper (``张*``, ``5115**********001X``, ``138****5678``); the stand-in
name of a number keyed without a card (待窗口核实) is no name and prints as it is; a
ticket carries no name at all. Titles in double size are never emboldened (a bold double-size
Chinese character smears on a thermal head), and a QR code is printed only where a phone
can open it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from devices.idcard.idnumber import mask_id_number, mask_phone
from devices.printer import Document
from devices.printer.paper import text_columns
from kiosk.core.cases.delivery import AT_COUNTER, ResultDelivery, masked_address
from kiosk.core.line_breaks import break_lines
from kiosk.core.messages import Messages
from kiosk.core.next_steps import Sentence
from kiosk.core.queue import ServiceStats, Ticket
from kiosk.core.wording import long_date, masked_name

TIME_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Letterhead:
    """Who prints: the service point's name, and its time zone for printed times."""

    site_name: str
    zone: ZoneInfo

    def local(self, moment: datetime) -> str:
        """``moment`` as local time for paper (staff slips)."""
        return moment.astimezone(self.zone).strftime(TIME_FORMAT)

    def spoken(self, moment: datetime, text: Messages) -> str:
        """``2026年11月23日 星期一 09:30``: a villager's paper says dates as the screen does."""
        local = moment.astimezone(self.zone)
        return f"{long_date(local.date(), text)} {local:%H:%M}"


@dataclass(frozen=True)
class TicketPaper:
    """A queue ticket and the line telling where to wait (the screen says the same)."""

    ticket: Ticket
    next_steps: Sequence[Sentence] = ()


@dataclass(frozen=True)
class CaseReceipt:
    """A submitted case's receipt: its short reference, what was applied for, by whom (masked
    on paper), where it stands (``stage``: saved until the platform has it), what to bring
    and what happens next. ``progress_url`` is a link a phone opens (empty: no QR);
    ``result_delivery`` how the result comes, where the item offers the post."""

    case_id: str
    reference: str
    case_no: str | None
    item_name: str
    applicant_name: str
    applicant_id_number: str
    phone: str | None
    submitted_at: datetime
    stage: str
    promised_days: int
    promised_date: date | None
    bring: Sequence[str]
    next_steps: Sequence[Sentence]
    progress_url: str = ""
    result_delivery: ResultDelivery | None = None  # 窗口自取 or 邮寄送达 (None: not asked)


@dataclass(frozen=True)
class Material:
    """One line of a materials list: what, original or copy, how many, and a note."""

    name: str
    kind: str = "原件"
    copies: int = 1
    note: str = ""


@dataclass(frozen=True)
class MaterialsList:
    """The materials list of a service guide (办事指南)."""

    item_name: str
    materials: Sequence[Material]
    time_limit: str = ""  # 多久办好, in words: 1 个工作日（最长 5 个工作日）
    place: str = ""
    fee: str = ""
    guide_qr: str = ""  # the same QR code as the guide page on screen (empty: none promised)


@dataclass(frozen=True)
class StatsRow:
    """One service's line on the daily statistics slip."""

    service_name: str
    tickets: int
    served: int
    no_show: int
    mean_wait_min: float | None


@dataclass(frozen=True)
class DailyStats:
    """The day's queue figures for staff."""

    day: date
    rows: Sequence[StatsRow]
    printed_at: datetime

    @classmethod
    def from_queue(
        cls, day: date, stats: Sequence[ServiceStats], names: dict[str, str], printed_at: datetime
    ) -> DailyStats:
        """The slip for ``QueueService.stats(day)``; ``names`` maps service codes to names."""
        rows = [
            StatsRow(
                names.get(s.service_code, s.service_code),
                s.tickets,
                s.served,
                s.no_show,
                s.mean_wait_min,
            )
            for s in stats
        ]
        return cls(day, rows, printed_at)


def _header(doc: Document, site: Letterhead) -> None:
    doc.line(site.site_name, align="center")


def _field(doc: Document, label: str, value: str) -> None:
    """``label`` and ``value`` on one line when they fit; else the label on its own line and
    the value below it, or (a long text) wrapped after the label."""
    if text_columns(label) + 2 + text_columns(value) <= doc.paper.columns:
        doc.pair(label, value)
    elif text_columns(value) <= doc.paper.columns:
        doc.line(f"{label}：")
        doc.line(value)
    else:
        doc.line(f"{label}：{value}")


def _sentence(doc: Document, sentence: str, *, width: int = 1, height: int = 1) -> None:
    """A sentence broken where Chinese allows (after 、，。: 2号窗口 stays whole), not
    wherever the paper's columns run out."""
    columns = doc.paper.columns // width
    for line in break_lines(sentence, lambda part: text_columns(part) <= columns).lines:
        doc.line(line, width=width, height=height)


def _next_steps(
    doc: Document, lines: Sequence[Sentence], text: Messages, *, height: int = 1
) -> None:
    for sentence in lines:
        _sentence(doc, sentence.text(text), height=height)


def render_ticket(doc: Document, paper: TicketPaper, site: Letterhead, text: Messages) -> bytes:
    """The queue ticket: service, the number in large print as issued (B001) with the green
    channel's mark on its own line, time, people ahead, estimated wait, where to wait. No
    name, no QR code."""
    ticket = paper.ticket
    _header(doc, site)
    doc.line(ticket.service_name, align="center", width=2, height=2)
    doc.line(ticket.ticket_no, align="center", width=4, height=4, bold=True)
    if ticket.priority:
        doc.line(text("printing.ticket.green_channel"), align="center", width=2, height=1)
    doc.rule()
    _field(doc, text("printing.ticket.issued_at"), site.spoken(ticket.issued_at, text))
    doc.pair(text("printing.ticket.ahead"), text("printing.ticket.ahead_value", count=ticket.ahead))
    if ticket.ahead:  # as on screen: no wait to estimate with nobody ahead
        doc.pair(
            text("printing.ticket.wait"),
            text("printing.ticket.wait_value", minutes=ticket.estimated_wait_min),
        )
    doc.rule()
    _next_steps(doc, paper.next_steps, text, height=2)  # where to wait: what she acts on
    _sentence(doc, text("printing.ticket.footer"))
    doc.cut()
    return doc.to_bytes()


def render_receipt(doc: Document, receipt: CaseReceipt, site: Letterhead, text: Messages) -> bytes:
    """The case's receipt (申请回执): where it stands in words (已保存，等待上报 until the
    platform has it), the short reference in large print, the applicant masked, what to
    bring, what happens next; a QR code only when it is a link a phone opens."""
    _header(doc, site)
    doc.line(text("printing.receipt.title"), align="center", width=2, height=2)
    doc.line(text(f"case.stage.{receipt.stage}"), align="center", bold=True)
    doc.rule()
    _next_steps(
        doc, receipt.next_steps[:1], text, height=2
    )  # 现在不用去窗口: the first thing she asks
    doc.rule()
    doc.line(text("printing.receipt.reference"), align="center")
    doc.line(receipt.reference, align="center", width=2, height=2, bold=True)
    if receipt.case_no:
        _field(doc, text("printing.receipt.case_no"), receipt.case_no)
    _field(doc, text("printing.receipt.item"), receipt.item_name)
    _field(doc, text("printing.receipt.applicant"), masked_name(receipt.applicant_name, text))
    _field(doc, text("printing.receipt.id_number"), mask_id_number(receipt.applicant_id_number))
    if receipt.phone:
        _field(doc, text("printing.receipt.phone"), mask_phone(receipt.phone))
    _field(doc, text("printing.receipt.submitted_at"), site.spoken(receipt.submitted_at, text))
    if receipt.result_delivery is not None:
        _delivery(doc, receipt.result_delivery, text)
    if receipt.promised_date is not None:
        _field(
            doc,
            text("printing.receipt.promise"),
            text("printing.receipt.promise_value", date=long_date(receipt.promised_date, text)),
        )
    doc.rule()
    if receipt.bring:
        doc.line(text("printing.receipt.bring"))
        for n, name in enumerate(receipt.bring, start=1):
            _sentence(doc, f"{n}. {name}")
        doc.rule()
    _next_steps(doc, receipt.next_steps[1:], text)
    if receipt.progress_url:
        doc.rule()
        doc.line(text("printing.receipt.qr_hint"), align="center")
        doc.qr(receipt.progress_url)
    doc.line(text("printing.receipt.footer"), align="center")
    doc.cut()
    return doc.to_bytes()


def _delivery(doc: Document, delivery: ResultDelivery, text: Messages) -> None:
    """How the result comes: 窗口自取, or 邮寄送达 with the address masked below the county and
    the phone masked."""
    _field(doc, text("printing.receipt.result"), text(f"printing.receipt.result.{delivery.method}"))
    if not delivery.posted:
        return
    if delivery.address_source == AT_COUNTER:
        _field(doc, text("printing.receipt.post_to"), text("printing.receipt.post_later"))
    else:
        _field(doc, text("printing.receipt.post_to"), masked_address(delivery.address))
    _field(doc, text("printing.receipt.post_phone"), mask_phone(delivery.phone))


def render_materials(
    doc: Document, guide: MaterialsList, site: Letterhead, text: Messages
) -> bytes:
    """The materials list of a service guide, to take home, with the guide's QR code when
    the screen showed one."""
    _header(doc, site)
    doc.line(guide.item_name, align="center", width=1, height=2)
    doc.line(text("printing.materials.title"), align="center", bold=True)
    doc.rule()
    for n, material in enumerate(guide.materials, start=1):
        _sentence(doc, f"{n}. {material.name}", height=2)  # what to gather at home: large
        detail = text("printing.materials.copies", kind=material.kind, copies=material.copies)
        doc.line(f"   {detail}" + (f"；{material.note}" if material.note else ""))
    doc.rule()
    if guide.time_limit:
        _field(doc, text("guide.item.time_limit"), guide.time_limit)
    if guide.place:
        _field(doc, text("printing.materials.place"), guide.place)
    if guide.fee:
        _field(doc, text("guide.item.fee"), guide.fee)
    if guide.guide_qr:
        doc.line(text("printing.materials.qr_hint"), align="center")
        doc.qr(guide.guide_qr)
    doc.cut()
    return doc.to_bytes()


def render_stats(doc: Document, stats: DailyStats, site: Letterhead, text: Messages) -> bytes:
    """The daily statistics slip for staff: per service tickets, served, no-shows, mean wait."""
    _header(doc, site)
    doc.line(f"{text('printing.stats.title')} {stats.day.isoformat()}", align="center", bold=True)
    doc.rule()
    widths = _stats_widths(doc.paper.columns)
    doc.line(_table_row(text("printing.stats.header").split("|"), widths), bold=True)
    for row in stats.rows:
        doc.line(_table_row(_stats_cells(row, text), widths))
    doc.rule()
    waits = [r.mean_wait_min for r in stats.rows if r.mean_wait_min is not None]
    total = StatsRow(
        text("printing.stats.total"),
        sum(r.tickets for r in stats.rows),
        sum(r.served for r in stats.rows),
        sum(r.no_show for r in stats.rows),
        _weighted_wait(stats.rows) if waits else None,
    )
    doc.line(_table_row(_stats_cells(total, text), widths), bold=True)
    doc.pair(text("printing.stats.printed_at"), site.local(stats.printed_at))
    doc.cut()
    return doc.to_bytes()


def _weighted_wait(rows: Sequence[StatsRow]) -> float:
    weighted = [(r.mean_wait_min, r.served or 1) for r in rows if r.mean_wait_min is not None]
    return sum(w * n for w, n in weighted) / sum(n for _, n in weighted)


def _stats_widths(columns: int) -> list[int]:
    numbers = [5, 5, 5, 7]
    return [columns - sum(numbers), *numbers]


def _stats_cells(row: StatsRow, text: Messages) -> list[str]:
    wait = (
        "-"
        if row.mean_wait_min is None
        else text("printing.stats.minutes", minutes=f"{row.mean_wait_min:.0f}")
    )
    return [row.service_name, str(row.tickets), str(row.served), str(row.no_show), wait]


def _table_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    """The first cell left-aligned (cut to fit), the others right-aligned, by paper columns."""
    out = ""
    for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        if i == 0:
            while text_columns(cell) > width - 1:
                cell = cell[:-1]
            out += cell + " " * (width - text_columns(cell))
        else:
            out += " " * max(0, width - text_columns(cell)) + cell
    return out


def render_test_page(doc: Document, site: Letterhead, text: Messages, now: datetime) -> bytes:
    """The technician's test page: Chinese, full-width punctuation, a rare character, every
    size, alignment, a QR code and the cut."""
    _header(doc, site)
    doc.line(text("printing.test.title"), align="center", width=2, height=2)
    doc.line(f"{doc.paper.mm}mm  {doc.paper.columns} cols  {doc.paper.dots} dots  {doc.profile}")
    doc.line(text("printing.test.punctuation"))
    doc.line(f"{text('printing.test.rare')}：𠀀 𪚥")
    for size in (1, 2, 3):
        doc.line(f"{text('printing.test.sizes')} {size}x{size}", width=size, height=size)
    doc.line("左 left", align="left")
    doc.line("中 centre", align="center")
    doc.line("右 right", align="right")
    doc.rule()
    doc.line(site.local(now), align="center")
    doc.qr("https://bianmin.invalid/printer-test")
    doc.cut()
    return doc.to_bytes()
