"""Round trips through the virtual printer over real transports (a pty, TCP on 127.0.0.1):
bytes -> paper image and decoded text; every status state; printers that never answer."""

from __future__ import annotations

import os
import socket
import time

import pytest
from PIL import Image, ImageChops

from devices.printer import PAPER_58, PAPER_80, PrinterState, open_printer
from devices.printer.fonts import font_for
from devices.printer.glyphs import text_image
from devices.printer.virtual import VirtualPrinter
from devices.printer.virtual.interpreter import INLINE_IMAGE_MARK
from devices.printer.virtual.render import MARGIN
from devices.pty import open_raw_pty
from kiosk.app import build_app
from kiosk.config import load_config
from tests.clocks import ManualClock
from tests.conftest import write_site
from tests.printer_fixtures import (
    MATERIALS,
    RECEIPT,
    STATS,
    TICKET,
    print_service,
    virtual_printer,
)

PAPERS = pytest.mark.parametrize("paper", [PAPER_58, PAPER_80], ids=["58mm", "80mm"])
TRANSPORTS = pytest.mark.parametrize("transport", ["pty", "tcp"])
WHY_NOT_PRINTED = {
    PrinterState.PAPER_OUT: "printing.result.paper_out",
    PrinterState.COVER_OPEN: "printing.result.cover_open",
}


def url_of(transport: str, pty_url: str, tcp_url: str) -> str:
    return pty_url if transport == "pty" else tcp_url


@PAPERS
@TRANSPORTS
def test_every_template_comes_out_on_paper(app, tmp_path, paper, transport):
    with virtual_printer(paper, tmp_path / "out") as (vp, pty_url, tcp_url):
        service = print_service(app, url_of(transport, pty_url, tcp_url), paper)
        results = [
            service.ticket(TICKET),
            service.receipt(RECEIPT),
            service.materials(MATERIALS),
            service.daily_stats(STATS),
        ]
        ticket, receipt, materials, stats = vp.wait_for_jobs(4)
        service.close()
    assert all(r.printed and r.key == "printing.result.printed" for r in results)
    assert vp.status_queries == 4 * 4  # DLE EOT 1..4 before each job
    for job in (ticket, receipt, materials, stats):
        assert job.cut == "full" and not job.unknown and not job.warnings
    for n in range(1, 5):
        image = Image.open(tmp_path / "out" / f"job-{n:04d}.png")
        assert image.width == paper.dots + 2 * MARGIN
        assert (tmp_path / "out" / f"job-{n:04d}.txt").read_text("utf-8") == vp.jobs[n - 1].text

    number = ticket.find("A012")
    assert (number.align, number.width, number.height, number.bold) == ("center", 4, 4, True)
    assert ticket.find("社保医保").width == 2 and not ticket.find("社保医保").bold
    assert "前面还有" in ticket.text and "3 人" in ticket.find("前面还有").text
    assert [line for line in ticket.lines if line.kind == "qr"] == []  # nothing to photograph
    assert "请到 1号窗口、2号窗口 前等候" in ticket.text
    assert "明华" not in ticket.text + receipt.text

    assert "申请回执" in receipt.text and "受理" not in receipt.text
    assert "已保存，等待上报" in receipt.text and "5115**********" in receipt.text
    assert receipt.find("LZ-1123-007").width == 2 and "138****5678" in receipt.text
    assert [line.text for line in receipt.lines if line.kind == "qr"] == [RECEIPT.progress_url]
    assert "1. 居民身份证（原件）" in receipt.text and "已收材料" not in receipt.text
    assert "上报后 5 个工作日内办好" in receipt.text.replace("\n", "")
    assert "材料清单" in materials.text and "复印件 1 份" in materials.text
    assert "社保医保" in stats.find("42").text and "合计" in stats.text

    jobs = service.jobs()
    assert [j.state for j in jobs] == ["done"] * 4
    assert [j.kind for j in reversed(jobs)] == ["ticket", "receipt", "materials", "stats"]


def test_a_rare_character_in_a_name_is_printed_as_its_glyph(app):
    with virtual_printer(PAPER_58) as (vp, pty_url, _):
        result = print_service(app, pty_url, PAPER_58).receipt(RECEIPT)
        (job,) = vp.wait_for_jobs(1)
    assert result.printed
    line = job.find("申请人")
    assert line.text.endswith(INLINE_IMAGE_MARK + "**") and "?" not in line.text
    # the name is right-aligned: the glyph sits 48 dots (glyph + two stars) from the edge
    x = PAPER_58.dots - 48
    drawn = line.strip.crop((x, 0, x + 24, 24))
    assert (
        ImageChops.difference(drawn.convert("L"), text_image("𠀀").convert("L")).getbbox() is None
    )


def test_the_rare_glyph_comes_from_a_font_that_has_it():
    if font_for("𠀀").name != "HanaMinB.ttf":  # among make's system packages: fail, never skip
        pytest.fail("no font with CJK Extension B: apt-get install fonts-hanazono")
    missing = text_image("\U0010fffd")
    assert ImageChops.difference(text_image("𠀀"), missing).getbbox() is not None


@pytest.mark.parametrize("state", list(PrinterState))
@TRANSPORTS
def test_every_status_state_is_reported(state, transport):
    with virtual_printer(PAPER_80, state=state) as (vp, pty_url, tcp_url):  # noqa: SIM117
        with open_printer(url_of(transport, pty_url, tcp_url), PAPER_80, 0.3) as printer:
            assert printer.status().state is state
            vp.state = PrinterState.READY  # changed while it runs
            assert printer.status().state is PrinterState.READY


@pytest.mark.parametrize("state", [s for s in PrinterState if not s.can_print])
def test_a_printer_that_cannot_print_gets_no_job_and_says_why(app, state):
    with virtual_printer(PAPER_80, state=state) as (vp, pty_url, _):
        service = print_service(app, pty_url, PAPER_80, timeout=0.3)
        result = service.ticket(TICKET)
        assert result.printed is False and result.state is state
        assert result.key == WHY_NOT_PRINTED.get(state, "printing.result.not_printed")
        [alert] = app.alerts.raised()  # staff hear of it with the technician's why
        assert (alert.kind, alert.detail) == ("printer_fault", f"{state}: {result.detail}")
        vp.state = PrinterState.PAPER_NEAR_END
        near_end = service.ticket(TICKET)
        assert near_end.printed and near_end.detail.startswith("DLE EOT")  # the status bytes
        [alert] = app.alerts.raised()  # printed, but staff are told to load paper
        assert alert.detail == f"paper_near_end: {near_end.detail}"
        assert len(vp.wait_for_jobs(1)) == 1
        vp.state = PrinterState.READY
        assert service.ticket(TICKET).printed and app.alerts.raised() == []
        vp.wait_for_jobs(2)
    failed, done, _ = reversed(service.jobs())
    assert (failed.state, failed.printer_state) == ("failed", state)
    assert (done.state, done.printer_state) == ("done", "paper_near_end")
    assert result.job_id == failed.job_id and result.detail == failed.error  # the why, kept
    assert state in failed.error
    assert failed.finished_at and done.finished_at and done.error is None


def test_a_job_the_printer_fails_to_take_is_failed_offline_and_says_why(app):
    service = print_service(app, "file:///dev/full", PAPER_58)  # ready, but every write fails
    result = service.ticket(TICKET)
    assert result.printed is False and result.state is PrinterState.OFFLINE
    assert result.key == "printing.result.not_printed" and "write failed" in result.detail
    [job] = service.jobs()
    assert (job.job_id, job.state, job.printer_state, job.error) == (
        result.job_id,
        "failed",
        "offline",
        result.detail,
    )
    sent_at = app.store.conn.execute(
        "SELECT sent_at FROM print_job WHERE job_id = ?", (job.job_id,)
    ).fetchone()[0]
    assert sent_at, "it was sent before it failed"
    [alert] = app.alerts.raised()
    assert alert.detail == f"offline: {result.detail}"


def test_a_ticket_tells_where_to_wait_only_when_the_service_knows_the_site(app, tmp_path):
    with virtual_printer(PAPER_80) as (vp, _, tcp_url):
        print_service(app, tcp_url, PAPER_80).ticket(TICKET)
        (job,) = vp.wait_for_jobs(1)
        assert "叫到 A012 再去办理" in job.text.replace("\n", "")
        bare = print_service(app, tcp_url, PAPER_80)
        bare.config = None  # a service built without the site's configuration
        assert bare.ticket(TICKET).printed
        _, plain = vp.wait_for_jobs(2)
    assert "A012" in plain.text and "再去办理" not in plain.text


def test_a_reprint_of_a_job_that_failed_names_it_and_sends_its_bytes(app):
    with virtual_printer(PAPER_80, state=PrinterState.PAPER_OUT) as (vp, pty_url, _):
        service = print_service(app, pty_url, PAPER_80, timeout=0.3)
        failed = service.ticket(TICKET)
        vp.state = PrinterState.READY
        again = service.reprint(failed.job_id)
        assert again.printed and again.job_id != failed.job_id
        (job,) = vp.wait_for_jobs(1)
        assert TICKET.ticket_no in job.text
    latest = service.jobs()[0]
    assert (latest.job_id, latest.reprint_of, latest.state) == (again.job_id, failed.job_id, "done")


def test_a_printer_on_a_pty_that_never_answers_is_unknown_within_the_timeout(app):
    master, slave, path = open_raw_pty()  # nobody reads the other end
    try:
        with open_printer(f"serial://{path}", PAPER_58, 0.3) as printer:
            started = time.monotonic()
            status = printer.status()
            assert time.monotonic() - started < 5, "gave up after its timeout, not hanging"
        assert status.state is PrinterState.UNKNOWN and "no answer within 0.3 s" in status.detail
        result = print_service(app, f"serial://{path}", PAPER_58, 0.3).ticket(TICKET)
        assert not result.printed and result.state is PrinterState.UNKNOWN
    finally:
        os.close(master)
        os.close(slave)


def test_a_network_printer_that_accepts_but_never_answers_is_unknown():
    with socket.create_server(("127.0.0.1", 0)) as server:
        host, port = server.getsockname()[:2]
        with open_printer(f"tcp://{host}:{port}", PAPER_80, 0.3) as printer:
            started = time.monotonic()
            assert printer.status().state is PrinterState.UNKNOWN
            assert time.monotonic() - started < 5, "gave up after its timeout, not hanging"


def test_an_unreachable_printer_is_offline_and_says_where(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
    for url, where in [
        (f"serial://{tmp_path}/ttyUSB9", f"{tmp_path}/ttyUSB9"),
        (f"tcp://127.0.0.1:{port}", f"127.0.0.1:{port}"),
        ("usb://0x0416:0x5011", "usb://0x0416:0x5011"),  # no pyusb, or no such device
    ]:
        status = open_printer(url, PAPER_58).status()
        assert status.state is PrinterState.OFFLINE and where in status.detail


def test_a_printer_that_goes_away_and_comes_back_is_used_again(app):
    with virtual_printer(PAPER_58) as (vp, _, tcp_url):
        service = print_service(app, tcp_url, PAPER_58)
        assert service.ticket(TICKET).printed
        vp.wait_for_jobs(1)
    gone = service.ticket(TICKET)  # switched off: the same service says so
    assert not gone.printed and gone.state is PrinterState.OFFLINE
    port = int(tcp_url.rsplit(":", 1)[1])
    with VirtualPrinter(PAPER_58) as back:
        back.listen("127.0.0.1", port)
        assert service.ticket(TICKET).printed
        back.wait_for_jobs(1)
    assert [j.state for j in service.jobs()] == ["done", "failed", "done"]


def test_a_file_printer_collects_jobs(app, tmp_path):
    out = tmp_path / "jobs.bin"
    service = print_service(app, f"file://{out}", PAPER_58)
    first = service.ticket(TICKET)
    second = service.ticket(TICKET)
    service.close()
    assert first.printed and second.printed and first.state is PrinterState.READY
    assert out.read_bytes().count(b"\x1b@\x1c&") == 2


def test_the_composition_root_prints_on_the_configured_printer(tmp_path):
    with virtual_printer(PAPER_58) as (vp, _, tcp_url):
        site = write_site(tmp_path, f'\n[devices.printer]\nurl = "{tcp_url}"\npaper_mm = 58\n')
        services = build_app(load_config(site), ManualClock())
        try:
            ticket = services.queue.take("social")
            result = services.printer.ticket(ticket)
            (job,) = vp.wait_for_jobs(1)
            (sent,) = services.printer.jobs()
        finally:
            services.printer.close()
            services.close()
    assert result.printed and ticket.ticket_no in job.text and job.paper is PAPER_58
    assert "09:00" in job.text and "01:00" not in job.text, "the hall's time, not UTC"
    assert f"叫到 {ticket.ticket_no} 再去办理" in job.text.replace("\n", ""), "where to wait"
    assert (sent.state, sent.printer_url, sent.printer_state) == ("done", tcp_url, "ready")


def test_without_a_printer_the_kiosk_still_issues_tickets_and_tells_staff(app, config):
    assert app.printer.status().state is PrinterState.OFFLINE
    assert config.source in app.printer.status().detail
    ticket = app.queue.take("social")
    result = app.printer.ticket(ticket)
    assert not result.printed and result.key == "printing.result.not_printed"
    [alert] = app.alerts.raised()
    assert alert.kind == "printer_fault" and alert.detail.startswith("offline")


def test_a_printer_url_that_cannot_be_used_names_the_site_file_and_key(tmp_path):
    site = write_site(tmp_path, '\n[devices.printer]\nurl = "tcp://host:http"\n')
    services = build_app(load_config(site), ManualClock())
    try:
        status = services.printer.status()
    finally:
        services.close()
    assert status.state is PrinterState.OFFLINE
    assert status.detail.startswith(f"{site}: [devices.printer] url: ")
    assert "port 'http' is not a TCP port" in status.detail


def test_the_site_files_status_timeout_is_the_printers(tmp_path):
    master, slave, path = open_raw_pty()  # nobody reads the other end
    try:
        site = write_site(
            tmp_path, f'\n[devices.printer]\nurl = "serial://{path}"\nstatus_timeout_s = 0.3\n'
        )
        services = build_app(load_config(site), ManualClock())
        try:
            status = services.printer.status()
        finally:
            services.printer.close()
            services.close()
    finally:
        os.close(master)
        os.close(slave)
    assert status.state is PrinterState.UNKNOWN and "no answer within 0.3 s" in status.detail


def test_a_long_why_reaches_staff_cut_to_200_characters(app, tmp_path):
    service = print_service(app, f"serial://{tmp_path}/{'ttyUSB' * 40}", PAPER_58)
    result = service.ticket(TICKET)
    [alert] = app.alerts.raised()
    assert len(f"offline: {result.detail}") > 200
    assert alert.detail == f"offline: {result.detail}"[:200]
