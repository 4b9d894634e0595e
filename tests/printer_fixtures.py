"""Printer test fixtures: virtual printers on a pty and on TCP, sample print data, goldens."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from devices.idcard.idnumber import check_character
from devices.printer import Document, Paper, PrinterState, open_printer
from devices.printer.virtual import VirtualPrinter
from kiosk.core.messages import Messages
from kiosk.core.next_steps import Sentence
from kiosk.core.printing import PrintService
from kiosk.core.queue import Priority, ServiceStats, Ticket, TicketState
from kiosk.core.receipts import (
    CaseReceipt,
    DailyStats,
    Letterhead,
    Material,
    MaterialsList,
    TicketPaper,
)

GOLDEN = Path(__file__).resolve().parent / "printer_golden"
UPDATE_ENV = "BIANMIN_UPDATE_GOLDEN"
SITE = Letterhead("测试镇便民服务中心", ZoneInfo("Asia/Shanghai"))
TEXT = Messages("zh_CN", strict=True)
ISSUED = datetime(2026, 11, 23, 1, 5, tzinfo=UTC)  # 09:05 in Sichuan


def id_number(first17: str = "51150219580301001") -> str:
    return first17 + check_character(first17)


TICKET = Ticket(
    ticket_id="3f2c8a4e-1b7d-4c55-9e0a-2b6f1d9c7e10",
    ticket_no="A012",
    service_code="social",
    service_name="社保医保",
    issued_at=ISSUED,
    state=TicketState.WAITING,
    priority=None,
    ahead=3,
    estimated_wait_min=12,
)
WAIT_LINE = (Sentence.of("next.ticket", counters="1号窗口、2号窗口", ticket_no="A012"),)
TICKET_PAPER = TicketPaper(TICKET, WAIT_LINE)
GREEN_TICKET = Ticket(**{**TICKET.__dict__, "priority": Priority.AGE, "ticket_no": "A013"})
GREEN_TICKET_PAPER = TicketPaper(GREEN_TICKET, WAIT_LINE)

RECEIPT = CaseReceipt(
    case_id="3f2c8a4e-1b7d-4c55-9e0a-2b6f1d9c7e11",
    reference="LZ-1123-007",
    case_no=None,
    item_name="城乡居民基本养老保险参保登记（含个人缴费档次选择）",
    applicant_name="𠀀明华",
    applicant_id_number=id_number(),
    phone="13812345678",
    submitted_at=ISSUED,
    stage="saved",
    promised_days=5,
    promised_date=None,
    bring=["居民身份证（原件）", "户口簿（复印件）"],
    next_steps=(
        Sentence.of("next.receipt.now"),
        Sentence.of("next.receipt.promise_after_sending", days=5),
        Sentence.of("next.receipt.collect", counters="1号窗口、2号窗口"),
        Sentence.of("next.receipt.progress", digits="1123007"),
        Sentence.of("next.phone", phone="0831-5601234"),
    ),
    progress_url="https://bianmin.invalid/progress/3f2c8a4e-1b7d-4c55-9e0a-2b6f1d9c7e11",
)

MATERIALS = MaterialsList(
    item_name="城乡居民基本养老保险参保登记",
    materials=[
        Material("居民身份证", "原件", 1, "现场核验后退还"),
        Material("户口簿", "复印件", 1),
        Material("一寸免冠照片", "原件", 2, "白底"),
    ],
    time_limit="5 个工作日（最长 20 个工作日）",
    place="乡镇便民服务中心 1 号窗口",
    fee="不收费",
    guide_qr="城乡居民基本养老保险参保登记\n县人力资源和社会保障局",
)

STATS = DailyStats.from_queue(
    date(2026, 11, 23),
    [
        ServiceStats("social", 42, 40, 38, 2, 6.4, 15.0, 4.2),
        ServiceStats("civil", 9, 9, 8, 1, 3.0, 5.5, 7.9),
        ServiceStats("hukou", 0, 0, 0, 0, None, None, None),
    ],
    {"social": "社保医保", "civil": "民政救助", "hukou": "户籍办理"},
    datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
)


def document(paper: Paper, profile: str = "default") -> Document:
    return Document(paper, profile)


def check_golden(name: str, data: bytes) -> None:
    """Compare ``data`` with ``printer_golden/<name>.bin`` (``BIANMIN_UPDATE_GOLDEN=1`` rewrites it)."""
    path = GOLDEN / f"{name}.bin"
    if os.environ.get(UPDATE_ENV):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    expected = path.read_bytes()
    if data != expected:
        at = next(
            (i for i, (a, b) in enumerate(zip(data, expected, strict=False)) if a != b),
            min(len(data), len(expected)),
        )
        raise AssertionError(
            f"{path.name}: bytes differ from offset {at} (got {len(data)}, golden {len(expected)}):\n"
            f"  got    {data[max(0, at - 16) : at + 24].hex(' ')}\n"
            f"  golden {expected[max(0, at - 16) : at + 24].hex(' ')}\n"
            f"rerun with {UPDATE_ENV}=1 after checking the change by eye"
        )


@contextmanager
def virtual_printer(
    paper: Paper, out_dir: Path | None = None, state: PrinterState = PrinterState.READY
) -> Iterator[tuple[VirtualPrinter, str, str]]:
    """A running virtual printer: (printer, serial URL of its pty, tcp URL)."""
    with VirtualPrinter(paper, out_dir, state) as vp:
        path = vp.open_pty()
        host, port = vp.listen("127.0.0.1", 0)
        yield vp, f"serial://{path}?baud=115200", f"tcp://{host}:{port}"


def print_service(app, url: str, paper: Paper, timeout: float = 1.0) -> PrintService:
    """A PrintService of the test app printing to ``url`` on ``paper``, telling its staff."""
    printer = open_printer(url, paper, timeout)
    return PrintService(
        app.store,
        app.vault,
        printer,
        paper,
        SITE,
        app.clock,
        TEXT,
        alerts=app.alerts,
        config=app.config,
    )
