"""The stable queue CLI as scripts and counter staff use it (in this process)."""

from __future__ import annotations

import json
import re

from click.testing import Result

from kiosk.app import STORE_FILE
from kiosk.config import load_config
from tests.conftest import bianmin


def run(site_file, *args: str) -> Result:
    return bianmin(*args, site_file=site_file)


def test_take_call_serve_done_and_stats_from_a_shell(site_file):
    taken = run(site_file, "queue", "take", "social", "--json")
    assert taken.exit_code == 0, taken.stderr
    ticket = json.loads(taken.stdout)
    assert {"ticket_id", "ticket_no", "service", "issued_at", "ahead", "estimated_wait_min"} <= set(
        ticket
    )
    assert ticket["ticket_no"] == "A001" and ticket["service"] == "social"
    text = run(site_file, "queue", "take", "social")
    assert "A002" in text.stdout and "前面还有 1 人" in text.stdout
    assert "A001" in run(site_file, "queue", "call", "1号窗口").stdout
    assert run(site_file, "queue", "serve", "A001").exit_code == 0
    assert run(site_file, "queue", "done", "A001").exit_code == 0
    assert run(site_file, "queue", "transfer", "A002", "civil").exit_code == 0
    status = json.loads(run(site_file, "queue", "status", "--json").stdout)
    assert {row["service"]: row["waiting"] for row in status}["civil"] == 1
    stats = json.loads(run(site_file, "queue", "stats", "--json").stdout)
    social = next(s for s in stats if s["service"] == "social")
    assert social["served"] == 1 and social["no_show_rate"] == 0.0
    checked = run(site_file, "db", "check", "--json")
    assert checked.exit_code == 0 and json.loads(checked.stdout)["integrity"] == ["ok"]


def test_errors_exit_1_for_the_domain_and_2_for_usage(site_file):
    unknown = run(site_file, "queue", "serve", "A404")
    assert unknown.exit_code == 1 and "A404" in unknown.stderr and "Traceback" not in unknown.stderr
    bad_service = run(site_file, "queue", "take", "passport")
    assert bad_service.exit_code == 1 and "social" in bad_service.stderr
    usage = run(site_file, "queue", "take", "social", "--priority", "vip")
    assert usage.exit_code == 2 and "vip" in usage.stderr
    missing = bianmin("--config", "/nonexistent/site.toml", "queue", "status")
    assert (
        missing.exit_code == 2 and "/nonexistent/site.toml: config file not found" in missing.stderr
    )


def test_the_scripted_demo_runs(tmp_path):
    done = bianmin("demo", "queue", "--dir", str(tmp_path))
    assert done.exit_code == 0, done.stderr
    assert "请 A002 号（绿色通道）到 1号窗口 办理" in done.stdout and "VA002" not in done.stdout


def test_a_queue_command_does_not_load_the_pinyin_tables(site_file):
    """Each ``bianmin queue take`` is a fresh process (a counter's script, the crash test's
    hundred children): building the services must not pay for pypinyin's tables."""
    import subprocess
    import sys

    from tests.conftest import cli_env

    code = (
        "import sys; from kiosk.cli.main import main\n"
        "try: main(['queue', 'take', 'social'])\n"
        "except SystemExit: pass\n"
        "print('pypinyin' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=cli_env(site_file), capture_output=True, text=True
    )
    assert done.stdout.splitlines()[-1] == "False", done.stderr


def test_cancel_from_a_shell_takes_the_number_out_of_the_line(site_file):
    for _ in range(2):
        assert run(site_file, "queue", "take", "civil").exit_code == 0
    cancelled = run(site_file, "queue", "cancel", "B001", "--json")
    assert cancelled.exit_code == 0, cancelled.stderr
    assert json.loads(cancelled.stdout)["state"] == "cancelled"
    again = run(site_file, "queue", "cancel", "B001")
    assert again.exit_code == 1 and "B001" in again.stderr
    assert "B002" in run(site_file, "queue", "call", "3号窗口", "--service", "civil").stdout
    status = json.loads(run(site_file, "queue", "status", "--json").stdout)
    assert {row["service"]: row["waiting"] for row in status}["civil"] == 0


def _damage_an_index_page(store_path) -> None:
    """Flip bytes in the cell area of the ticket table's index page, as a bad sector or a
    torn write would; the schema page stays sound, so the store still opens."""
    import sqlite3

    conn = sqlite3.connect(store_path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ticket'"
            " ORDER BY name LIMIT 1"
        ).fetchone()
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    data = bytearray(store_path.read_bytes())
    page = (root - 1) * page_size
    for i in range(page + page_size - 200, page + page_size - 8):
        data[i] ^= 0x5A
    store_path.write_bytes(bytes(data))


def test_db_check_fails_on_a_damaged_store_and_says_which_file(site_file):
    for _ in range(40):
        run(site_file, "queue", "take", "social")
    sound = run(site_file, "db", "check")
    assert sound.exit_code == 0 and "integrity_check: ok" in sound.stdout
    store_path = load_config(site_file).data_dir / STORE_FILE
    _damage_an_index_page(store_path)
    damaged = run(site_file, "db", "check", "--json")
    assert damaged.exit_code == 1, damaged.stdout
    report = json.loads(damaged.stdout)
    assert report["ok"] is False and report["integrity"] != ["ok"]
    assert f"{store_path}: store check failed" in damaged.stderr
    assert "Traceback" not in damaged.stderr


def test_a_slot_in_the_past_is_refused_and_one_to_come_booked(site_file):
    past = run(site_file, "queue", "book", "social", "2020-01-06 09:30")
    assert past.exit_code == 1
    assert "the slot 2020-01-06 09:30 has already passed" in past.stderr
    booked = run(site_file, "queue", "book", "social", "2099-01-05 09:30")
    assert booked.exit_code == 0 and re.fullmatch(r"\d{6}\n", booked.stdout)


def test_the_statistics_slip_prints_and_tickets_say_their_offset(site_file, tmp_path):
    taken = run(site_file, "queue", "take", "social")
    assert re.search(r"取号时间 \d{4}-\d\d-\d\d \d\d:\d\d \+08:00", taken.stdout)
    paper = tmp_path / "stats.bin"
    printed = run(site_file, "queue", "stats", "--print", "--printer", f"file://{paper}")
    assert printed.exit_code == 0, printed.stderr
    assert "printed (job 1)" in printed.stderr
    assert "每日统计".encode("gb18030") in paper.read_bytes()
    jobs = json.loads(run(site_file, "printer", "jobs", "--json").stdout)
    assert [(j["kind"], j["state"]) for j in jobs] == [("stats", "done")]


def test_a_mistyped_service_code_shows_the_technician_the_codes_there_are(site_file):
    mistyped = run(site_file, "queue", "take", "socail")
    assert mistyped.exit_code == 1
    assert "no service 'socail'; known: social, civil, hukou" in mistyped.stderr
