"""The bytes a job sends: Chinese mode, GB18030, sizes, QR codes, rare characters; and the
golden bytes of every template on both paper widths."""

from __future__ import annotations

import subprocess
import sys

import pytest

from devices.printer import PAPER_58, PAPER_80, Document
from devices.printer.encoder import printable_in_font
from devices.printer.fonts import font_for
from kiosk.core.receipts import render_materials, render_receipt, render_stats, render_ticket
from tests.conftest import REPO, cli_env
from tests.printer_fixtures import (
    GREEN_TICKET_PAPER,
    MATERIALS,
    RECEIPT,
    SITE,
    STATS,
    TEXT,
    TICKET,
    TICKET_PAPER,
    check_golden,
)

INIT, FS_ON, LF = b"\x1b@", b"\x1c&", b"\n"


def gb(text: str) -> bytes:
    return text.encode("gb18030")


def test_a_document_starts_in_chinese_mode_and_sends_gb18030_with_full_width_punctuation():
    doc = Document(PAPER_58)
    doc.line("前面等候：３人，请稍候！")
    assert doc.to_bytes() == INIT + FS_ON + gb("前面等候：３人，请稍候！") + LF
    # full-width punctuation on its own is Chinese too (python-escpos sends it as "?")
    doc = Document(PAPER_58)
    doc.line("，。！")
    assert doc.to_bytes().endswith(b"\xa3\xac\xa1\xa3\xa3\xa1\n")
    assert b"?" not in doc.to_bytes()


def test_control_characters_in_data_print_as_spaces():
    doc = Document(PAPER_58)
    doc.line("张\t三\x07")
    assert doc.to_bytes() == INIT + FS_ON + gb("张 三 ") + LF


def test_sizes_alignment_and_bold_are_sent_only_when_they_change():
    doc = Document(PAPER_80)
    doc.line("A012", align="center", width=4, height=4, bold=True)
    doc.line("B", align="center", width=4, height=4, bold=True)
    doc.line("左")
    assert doc.to_bytes() == (
        INIT + FS_ON
        + b"\x1ba\x01" + b"\x1d!\x33" + b"\x1bE\x01" + b"A012\n" + b"B\n"
        + b"\x1ba\x00" + b"\x1d!\x00" + b"\x1bE\x00" + gb("左") + LF
    )  # fmt: skip


def test_native_qr_follows_the_contract_sequence():
    doc = Document(PAPER_80)
    doc.qr("T-1")
    data = b"T-1"
    assert doc.to_bytes() == (
        INIT + FS_ON + LF + b"\x1ba\x01"
        + bytes.fromhex("1d 28 6b 04 00 31 41 32 00")  # model 2
        + bytes.fromhex("1d 28 6b 03 00 31 43 08")  # module 8 dots on 80 mm
        + bytes.fromhex("1d 28 6b 03 00 31 45 31")  # error correction M
        + b"\x1d(k" + bytes((len(data) + 3, 0)) + b"1P0" + data
        + bytes.fromhex("1d 28 6b 03 00 31 51 30")  # print
        + LF
    )  # fmt: skip


def test_a_profile_without_qr_support_gets_a_raster_qr_as_wide_as_the_paper():
    doc = Document(PAPER_58, profile="POS-5890")
    assert not doc.native_qr
    doc.qr("T-1")
    out = doc.to_bytes()
    assert b"\x1d(k" not in out
    at = out.index(b"\x1dv0")
    assert out[at + 4 : at + 6] == (384 // 8).to_bytes(2, "little")


@pytest.mark.parametrize(
    ("ch", "ok"),
    [("中", True), ("，", True), ("A", True), ("𠀀", False), ("😀", False), ("\x07", False)],
)
def test_what_the_printer_font_holds(ch, ok):
    assert printable_in_font(ch) is ok


def test_a_rare_character_is_a_24_dot_image_inside_the_line_never_a_question_mark():
    doc = Document(PAPER_58)
    doc.line("申请人：𠀀*")
    out = doc.to_bytes()
    head = INIT + FS_ON + gb("申请人：") + b"\x1b*\x21" + (24).to_bytes(2, "little")
    assert out.startswith(head) and out.endswith(b"*\n")
    glyph = out[len(head) : -2]
    assert len(glyph) == 24 * 3  # 24 columns of 24 dots, inline with the text
    assert any(glyph), "the glyph has ink"


def test_a_rare_character_in_large_print_makes_the_line_a_raster_image():
    doc = Document(PAPER_58)
    doc.line("𠀀", align="center", width=2, height=2)
    out = doc.to_bytes()
    assert b"\x1dv0" in out and b"\x1b*" not in out


TEMPLATES = {
    "ticket": lambda doc: render_ticket(doc, TICKET_PAPER, SITE, TEXT),
    "ticket-green": lambda doc: render_ticket(doc, GREEN_TICKET_PAPER, SITE, TEXT),
    "receipt": lambda doc: render_receipt(doc, RECEIPT, SITE, TEXT),
    "materials": lambda doc: render_materials(doc, MATERIALS, SITE, TEXT),
    "stats": lambda doc: render_stats(doc, STATS, SITE, TEXT),
}


@pytest.mark.parametrize("paper", [PAPER_58, PAPER_80], ids=["58mm", "80mm"])
@pytest.mark.parametrize("name", list(TEMPLATES))
def test_golden_bytes_of_every_template(name, paper):
    if name == "receipt" and font_for("𠀀").name != "HanaMinB.ttf":
        pytest.fail("the receipt golden draws 𠀀 with HanaMinB: apt-get install fonts-hanazono")
    check_golden(f"{name}-{paper.mm}", TEMPLATES[name](Document(paper)))


def test_golden_ticket_on_a_printer_without_native_qr():
    check_golden("ticket-58-raster-qr", TEMPLATES["ticket"](Document(PAPER_58, "POS-5890")))


def test_the_ticket_says_what_a_villager_needs_and_no_name():
    out = TEMPLATES["ticket"](Document(PAPER_58))
    for text in (
        "测试镇便民服务中心",
        "社保医保",
        "取号时间",
        "2026年11月23日 星期一 09:05",
        "3 人",
        "约 12 分钟",
    ):
        assert gb(text) in out, text
    assert b"\x1d!\x33" + b"\x1bE\x01" + b"A012\n" in out  # the number, 4x4 bold
    assert TICKET.ticket_id.encode() not in out  # no QR code a phone cannot open
    assert gb("请到 1号窗口、2号窗口 前等候") in out


def test_the_receipt_masks_the_applicant():
    out = TEMPLATES["receipt"](Document(PAPER_80))
    assert gb("5115**********") in out and RECEIPT.applicant_id_number.encode() not in out
    assert gb("明华") not in out and gb("*") in out
    assert gb("138****5678") in out and gb("13812345678") not in out


def test_without_any_cjk_font_a_rare_character_is_a_box_not_a_question_mark():
    code = (
        "from devices.printer import PAPER_58, Document\n"
        "doc = Document(PAPER_58)\n"
        "doc.line('申请人：𠀀*')\n"
        "doc.line('𠀀', width=2, height=2)\n"
        "import sys; sys.stdout.buffer.write(doc.to_bytes())\n"
    )
    env = dict(cli_env(), BIANMIN_CJK_FONT="/nonexistent/font.ttc")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (INIT + FS_ON + gb("申请人：□*") + LF + b"\x1d!\x11" + gb("□") + LF)
    assert b"no CJK font installed" in done.stderr
