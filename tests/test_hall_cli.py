"""``bianmin hall`` and the queue commands the hall added, as a technician uses them."""

from __future__ import annotations

import contextlib
import json
import re

from click.testing import CliRunner

from kiosk.app import build_app
from kiosk.cli.main import main
from kiosk.config import load_config
from kiosk.core.hall.errors import HallError
from kiosk.core.hall.staff import StaffDirectory
from tests.conftest import write_site
from tests.hall_fixtures import client_toml


def run(site, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--config", str(site), *args], input=input)


def test_a_key_and_staff_accounts(tmp_path):
    site = write_site(tmp_path)
    key = run(site, "hall", "key")
    assert key.exit_code == 0 and re.fullmatch(r"[0-9a-f]{64}\n", key.output)
    added = run(site, "hall", "staff", "add", "1001", "--name", "王小红", input="2468\n2468\n")
    assert added.exit_code == 0, added.output
    assert "2468" not in added.output.splitlines()[-1]
    listed = json.loads(run(site, "hall", "staff", "list", "--json").output)
    assert listed == [{"staff_id": "1001", "name": "王小红", "active": True, "locked_until": None}]
    assert run(site, "hall", "staff", "disable", "1001").output.strip() == "1001 disabled"
    assert "disabled" in run(site, "hall", "staff", "list").output
    assert run(site, "hall", "staff", "enable", "1001").exit_code == 0
    bad = run(site, "hall", "staff", "add", "1002", "--name", "李", "--pin", "12ab")
    assert bad.exit_code == 1 and "4 to 12 digits" in bad.output
    unknown = run(site, "hall", "staff", "disable", "9999")
    assert unknown.exit_code == 1 and "9999" in unknown.output


def test_server_commands_refuse_on_a_client_box_and_bad_addresses(tmp_path):
    client = write_site(tmp_path, client_toml("http://127.0.0.1:9"))
    refused = run(client, "hall", "staff", "list")
    assert refused.exit_code == 1 and "[hall] url" in refused.output
    (tmp_path / "server").mkdir()
    site = write_site(tmp_path / "server")
    usage = run(site, "hall", "serve", "--listen", "nowhere")
    assert usage.exit_code == 2 and "HOST:PORT" in usage.output


def test_announce_says_so_when_chime_and_voice_are_both_off(tmp_path):
    site = write_site(tmp_path, "\n[hall]\nchime = false\nvoice = false\n")
    silent = run(site, "hall", "announce", "A001", "1号窗口", "--wav", str(tmp_path / "a.wav"))
    assert silent.exit_code == 1 and "both off" in silent.output
    assert not (tmp_path / "a.wav").exists()


def test_the_queue_commands_a_counter_needs(tmp_path):
    site = write_site(tmp_path)
    for _ in range(3):
        run(site, "queue", "take", "social")
    first = json.loads(run(site, "queue", "call", "1号窗口", "--json").output)
    assert (first["ticket_no"], first["counter"]) == ("A001", "1号窗口")
    assert json.loads(run(site, "queue", "hold", "A001", "--json").output)["state"] == "held"
    back = json.loads(run(site, "queue", "call-back", "A001", "2号窗口", "--json").output)
    assert (back["state"], back["counter"]) == ("called", "2号窗口")
    assert run(site, "queue", "no-show", "A001").exit_code == 0
    assert json.loads(run(site, "queue", "restore", "A001", "--json").output)["state"] == "waiting"
    chosen = run(site, "queue", "call-chosen", "A003", "1号窗口", "--reason", "预约到号", "--json")
    assert json.loads(chosen.output)["ticket_no"] == "A003"
    assert run(site, "queue", "pause", "2号窗口").exit_code == 0
    assert run(site, "queue", "pause-issuing", "social").exit_code == 0
    paused = run(site, "queue", "take", "social")
    assert paused.exit_code == 1 and "paused" in paused.output
    assert run(site, "queue", "resume-issuing").exit_code == 0
    assert run(site, "queue", "take", "social").exit_code == 0
    status = json.loads(run(site, "queue", "status", "--json").output)
    assert status[0]["paused"] is False


def test_a_locked_account_and_the_audit_log_say_local_time_with_its_offset(tmp_path):
    site = write_site(tmp_path)
    assert (
        run(site, "hall", "staff", "add", "1001", "--name", "王小红", "--pin", "2468").exit_code
        == 0
    )
    app = build_app(load_config(site))
    try:
        directory = StaffDirectory.for_services(app)
        for _ in range(5):  # [hall] pin_attempts wrong PINs in a row
            with contextlib.suppress(HallError):
                directory.verify("1001", "0000")
    finally:
        app.close()
    local = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00"  # the site's Asia/Shanghai
    assert re.search(
        rf"1001 +王小红  active  locked until {local}$",
        run(site, "hall", "staff", "list").output,
        re.M,
    )
    entries = run(site, "audit", "list").output.splitlines()
    assert entries and all(re.match(rf"#\d+ +{local}  ", line) for line in entries)
