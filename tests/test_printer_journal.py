"""The print-job journal: a job killed mid-write stays visible as ``sent`` and is reprinted."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing

import pytest

from devices.printer import PAPER_80, Document
from devices.pty import open_raw_pty
from kiosk.core.printing import KEEP_DAYS, UnknownPrintJob
from kiosk.core.receipts import render_materials
from tests.conftest import REPO, cli_env
from tests.printer_fixtures import (
    MATERIALS,
    SITE,
    TEXT,
    TICKET,
    print_service,
    virtual_printer,
)

CHILD = """
import sys
from kiosk.app import build_app
from kiosk.config import load_config
from kiosk.core.printing import PrintService
from tests.printer_fixtures import MATERIALS
app = build_app(load_config(sys.argv[1]))
service = PrintService.from_config(app.config, app.store, app.vault, app.clock, url=sys.argv[2])
service.materials(MATERIALS)
"""


def answer_status_queries(master: int) -> None:
    """Be a ready printer for the four DLE EOT queries that come before a job."""
    for n in (1, 2, 3, 4):
        assert select.select([master], [], [], 10)[0], "no status query"
        assert os.read(master, 3) == b"\x10\x04" + bytes((n,))
        os.write(master, b"\x12")


def test_a_job_killed_mid_write_is_left_sent_and_reprints_whole(app, site_file):
    master, slave, path = open_raw_pty()
    # a materials list with its QR as a raster (POS-5890): about 21 KB, more than the pty's
    # buffer holds, so the writer is stuck mid-job when it is killed
    url = f"serial://{path}?baud=9600&profile=POS-5890"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(site_file), url], env=cli_env(), cwd=REPO
    )
    try:
        answer_status_queries(master)
        assert select.select([master], [], [], 10)[0], "the job never started"
        # the printer takes no more bytes: the writer is stuck with the job half sent
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        os.close(master)
        os.close(slave)
    (job,) = print_service(app, f"file://{os.devnull}", PAPER_80).jobs()
    assert (job.kind, job.state, job.finished_at) == ("materials", "sent", None)

    with virtual_printer(PAPER_80) as (vp, pty_url, _):
        service = print_service(app, pty_url, PAPER_80)
        result = service.reprint(job.job_id)
        (printed,) = vp.wait_for_jobs(1)
    assert result.printed
    assert bytes(printed.raw) == render_materials(
        Document(PAPER_80, "POS-5890"), MATERIALS, SITE, TEXT
    )
    again, first = service.jobs()
    assert (again.reprint_of, again.state, first.state) == (job.job_id, "done", "sent")


def test_a_job_on_its_way_to_the_printer_is_sent_with_the_state_the_printer_reported(app, config):
    """What `printer jobs` shows of a job cut off mid-write (the test above, in one process):
    the writer is held mid-job by a printer that takes no more bytes for now."""
    master, slave, path = open_raw_pty()
    service = print_service(app, f"serial://{path}?baud=9600&profile=POS-5890", PAPER_80)
    results = []
    writer = threading.Thread(target=lambda: results.append(service.materials(MATERIALS)))
    writer.start()
    try:
        answer_status_queries(master)
        assert select.select([master], [], [], 10)[0], "the job never started"
        with closing(sqlite3.connect(config.data_dir / "bianmin.sqlite3")) as journal:
            row = journal.execute("SELECT state, printer_state FROM print_job").fetchone()
        assert row == ("sent", "ready")
        while writer.is_alive():  # take the rest of the job
            if select.select([master], [], [], 0.5)[0]:
                os.read(master, 65536)
        writer.join()
    finally:
        os.close(master)
        os.close(slave)
    assert results[0].printed and service.jobs()[0].state == "done"


def test_job_bytes_are_sealed_at_rest(app, tmp_path):
    service = print_service(app, f"file://{tmp_path / 'out.bin'}", PAPER_80)
    service.ticket(TICKET)
    (payload,) = app.store.conn.execute("SELECT payload FROM print_job").fetchone()
    assert "社保医保".encode("gb18030") not in payload and b"A012" not in payload


def test_reprint_of_an_unknown_job(app, tmp_path):
    with pytest.raises(UnknownPrintJob):
        print_service(app, f"file://{tmp_path / 'out.bin'}", PAPER_80).reprint(404)


def test_finished_jobs_are_dropped_after_the_retention_but_cut_off_ones_stay(app, clock, tmp_path):
    service = print_service(app, f"file://{tmp_path / 'out.bin'}", PAPER_80)
    old = service.ticket(TICKET).job_id
    again = service.reprint(old).job_id
    app.store.conn.execute("UPDATE print_job SET state = 'sent' WHERE job_id = ?", (again,))
    clock.advance(days=KEEP_DAYS + 1)
    new = service.ticket(TICKET).job_id
    assert [(j.job_id, j.reprint_of) for j in service.jobs()] == [(new, None), (again, None)]
