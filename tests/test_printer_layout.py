"""Column arithmetic, wrapping, printer URLs and the reading of status bytes, from tables;
and what the encoder writes is what the interpreter reads, for any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.printer import Document, PrinterState, PrinterUrlError
from devices.printer.paper import PAPER_58, PAPER_80, pad_between, paper_for, text_columns, wrap
from devices.printer.status import interpret, is_status_byte
from devices.printer.transport import parse_url
from devices.printer.virtual import Interpreter, status_bytes


def test_paper_widths():
    assert (PAPER_58.columns, PAPER_58.dots) == (32, 384)
    assert (PAPER_80.columns, PAPER_80.dots) == (48, 576)
    assert paper_for(58) is PAPER_58
    with pytest.raises(ValueError, match="58, 80"):
        paper_for(76)


@pytest.mark.parametrize(
    ("text", "columns"),
    [("A012", 4), ("社保医保", 8), ("前面等候：3 人", 14), ("（）《》·—", 12), ("𠀀*", 3)],
)
def test_chinese_and_full_width_punctuation_take_two_columns(text, columns):
    assert text_columns(text) == columns


@pytest.mark.parametrize(
    ("text", "columns", "lines"),
    [
        ("城乡居民基本养老保险参保登记", 16, ["城乡居民基本养老", "保险参保登记"]),
        # a closing mark never starts a line: the character before it moves down too
        ("一二三四五六七，八", 14, ["一二三四五六", "七，八"]),
        # an ASCII word (a case number) is kept whole when it fits
        ("编号 511502-K01-0007 已受理", 16, ["编号", "511502-K01-0007", "已受理"]),
        ("abc", 16, ["abc"]),
        ("", 16, [""]),
        ("第一行\n第二行", 16, ["第一行", "第二行"]),
        # a word longer than a line is cut
        ("x" * 20, 16, ["x" * 16, "x" * 4]),
    ],
)
def test_wrap(text, columns, lines):
    assert wrap(text, columns) == lines
    assert all(text_columns(line) <= columns for line in lines)


def test_pad_between_aligns_right_by_columns():
    assert pad_between("前面等候", "3 人", 32) == "前面等候" + " " * 20 + "3 人"
    assert text_columns(pad_between("前面等候", "3 人", 32)) == 32
    assert pad_between("事项" * 8, "很长的值", 32) == "事项" * 8 + "\n" + " " * 24 + "很长的值"


@pytest.mark.parametrize(
    ("url", "scheme", "target", "options"),
    [
        ("serial:///dev/ttyUSB0?baud=9600", "serial", "/dev/ttyUSB0", {"baud": "9600"}),
        (
            "serial:///dev/pts/3?baud=115200&flow=rtscts",
            "serial",
            "/dev/pts/3",
            {"baud": "115200", "flow": "rtscts"},
        ),
        ("tcp://192.168.1.50:9100", "tcp", "192.168.1.50:9100", {}),
        ("usb://0x0416:0x5011?profile=POS-5890", "usb", "0x0416:0x5011", {"profile": "POS-5890"}),
        ("file:///tmp/out.bin", "file", "/tmp/out.bin", {}),
    ],
)
def test_printer_urls(url, scheme, target, options):
    parsed = parse_url(url)
    assert (parsed.scheme, parsed.target, parsed.options) == (scheme, target, options)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("lpt://1", "unknown scheme 'lpt'"),
        ("serial:///dev/ttyUSB0?baud=1234", "baud=1234; allowed: 1200"),
        ("serial:///dev/ttyUSB0?flow=dtr", "flow must be none, rtscts or xonxoff"),
        ("tcp://printer:http", "port 'http' is not a TCP port"),
        ("usb://epson", "expected usb://VENDOR:PRODUCT"),
        ("file:///tmp/x.bin?speed=2", "unknown option 'speed'"),
        ("serial://", "names no device"),
    ],
)
def test_bad_urls_say_what_is_wrong(url, says):
    with pytest.raises(PrinterUrlError, match=says.replace("(", r"\(")) as info:
        parse_url(url)
    assert url in str(info.value)


# DLE EOT answers (n = 1, 2, 3, 4) as printers send them; None: no answer.
STATUS_TABLE = [
    ((0x12, 0x12, 0x12, 0x12), PrinterState.READY),
    ((0x12, 0x12, 0x12, 0x1E), PrinterState.PAPER_NEAR_END),
    ((0x1A, 0x32, 0x12, 0x7E), PrinterState.PAPER_OUT),
    ((0x12, 0x12, 0x12, 0x72), PrinterState.PAPER_OUT),  # paper end seen by the roll sensor only
    ((0x1A, 0x16, 0x12, 0x12), PrinterState.COVER_OPEN),
    ((0x1A, 0x36, 0x12, 0x7E), PrinterState.COVER_OPEN),  # cover open wins: it is what to fix first
    ((0x1A, 0x12, 0x12, 0x12), PrinterState.OFFLINE),
    ((0x1A, 0x52, 0x1A, 0x12), PrinterState.CUTTER_ERROR),
    ((0x1A, 0x52, 0x32, 0x12), PrinterState.OFFLINE),  # unrecoverable error
    ((None, None, None, None), PrinterState.UNKNOWN),
    ((0x12, 0x12, 0x12, None), PrinterState.UNKNOWN),  # no paper answer: never "ready"
    ((0x00, 0x12, 0x12, 0x12), PrinterState.UNKNOWN),  # not a status byte (echo, noise)
    ((0x10, 0x12, 0x12, 0x12), PrinterState.UNKNOWN),
]


@pytest.mark.parametrize(("answers", "state"), STATUS_TABLE)
def test_status_bytes_are_read_as_states(answers, state):
    assert interpret(dict(enumerate(answers, start=1))) is state


@pytest.mark.parametrize("state", list(PrinterState))
def test_the_virtual_printer_answers_every_state_as_a_printer_would(state):
    answers = {n: (status_bytes(state, n) or [None])[0] for n in (1, 2, 3, 4)}
    assert all(v is None or is_status_byte(v) for v in answers.values())
    assert interpret(answers) is state


def test_only_ready_and_near_end_can_print():
    assert {s for s in PrinterState if s.can_print} == {
        PrinterState.READY,
        PrinterState.PAPER_NEAR_END,
    }


TEXTS = st.text(
    alphabet=st.sampled_from(list("便民服务中心办理事项，。（）《》：ABCxyz0123-_ ")), max_size=80
)


@given(TEXTS, st.sampled_from([16, 24, 32, 48]))
def test_wrapping_never_overflows_and_never_loses_a_character(text, columns):
    lines = wrap(text, columns)
    assert all(text_columns(line) <= columns for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@given(TEXTS, st.sampled_from([PAPER_58, PAPER_80]), st.sampled_from([1, 2]))
def test_what_is_encoded_is_what_the_virtual_printer_reads(text, paper, size):
    doc = Document(paper)
    doc.line(text, width=size, height=size)
    jobs = []
    interpreter = Interpreter(paper, jobs.append, lambda n: b"")
    interpreter.feed(doc.to_bytes())
    interpreter.finish()
    (job,) = jobs
    assert [line.text for line in job.lines] == wrap(text, paper.columns // size)
    assert not job.warnings and not job.unknown
