"""``bianmin platform``: serve in a child process (stopped by SIGINT), staff commands in this
process on the same file."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess

import click
from click.testing import Result

from devices.idcard.idnumber import is_valid_id_number
from kiosk.demo.platform import case_body, record, write_fixture_catalogue
from kiosk.resources import data_path
from offline_sync.client import PlatformClient
from offline_sync.clock import SystemClock
from offline_sync.platform_server import PlatformService
from tests.conftest import REPO, bianmin, cli_command, cli_env, write_site

CONFIGURED_SECRET = "ab" * 32


def _cli(*args: str) -> Result:
    return bianmin("platform", *args)


def test_serve_enroll_and_move_a_case(tmp_path):
    db = str(tmp_path / "platform.db")
    enrolled = _cli("enroll", "511502-K-000042", "--db", db)
    assert enrolled.exit_code == 0, enrolled.output
    secret = enrolled.stdout.strip()
    assert re.fullmatch("[0-9a-f]{64}", secret), secret
    site = write_site(
        tmp_path,
        f'\n[platform]\nurl = "http://127.0.0.1:1"\ndevice_id = "511502-K-000077"\n'
        f'device_secret = "{CONFIGURED_SECRET}"\n',
    )
    catalogue = write_fixture_catalogue(tmp_path / "seed")
    serve = [
        "platform",
        "serve",
        "--port",
        "0",
        "--db",
        db,
        "--catalogue",
        str(catalogue),
        "--config",
        str(site),
    ]
    server = subprocess.Popen(
        cli_command(*serve),
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        with PlatformClient(url, "511502-K-000042", secret, SystemClock()) as client:
            assert client.ping()
            case_no = client.push([record("case", case_body())])[0]["case_no"]
            moved = _cli(
                "case-status", case_no, "needs_correction", "--reason", "请补充户口簿", "--db", db
            )
            assert moved.exit_code == 0, moved.output
            assert moved.stdout.strip() == f"{case_no} needs_correction (step 2)"
            feed = client.changes(None, 500).changes
            assert [c["data"]["status"] for c in feed if c["type"] == "case_status"] == [
                "received",
                "needs_correction",
            ]
        with PlatformClient(url, "511502-K-000077", CONFIGURED_SECRET, SystemClock()) as configured:
            assert len(configured.changes(None, 500).changes) >= 3
        listed = json.loads(_cli("cases", "--json", "--db", db).stdout)
        assert [(c["case_no"], c["status"]) for c in listed] == [(case_no, "needs_correction")]
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert "seed: 3 catalogue items and 2 calendars" in err
    assert "device 511502-K-000077 enrolled" in err


def test_staff_command_errors_are_one_line(tmp_path):
    db = str(tmp_path / "platform.db")
    unknown = _cli("case-status", "511502-20260101-000001", "accepted", "--db", db)
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "bianmin: case 511502-20260101-000001: no such case"
    assert _cli("case-status", "X", "done", "--db", db).exit_code == 2
    assert _cli("case-status", "X", "completed", "--result", "[1]", "--db", db).exit_code == 2
    bad_device = _cli("enroll", "no spaces allowed", "--db", db)
    assert bad_device.exit_code == 1 and "device id" in bad_device.stderr
    (tmp_path / "a-file").write_text("")
    unusable = _cli("cases", "--db", str(tmp_path / "a-file" / "platform.db"))
    assert unusable.exit_code == 1 and "cannot open the store" in unusable.stderr


def test_agents_notices_and_expired_cursors_from_the_shell(tmp_path):
    db = str(tmp_path / "platform.db")
    added = _cli(
        "add-agent", "A-1", "王代办", "--pin", "8642", "--village", "511502001", "--db", db
    )
    assert added.exit_code == 0, added.output
    weak = _cli("add-agent", "A-2", "赵代办", "--pin", "12", "--db", db)
    assert weak.exit_code == 1 and "PIN" in weak.stderr
    notice = _cli("notice", "停电通知", "周三上午停电", "--db", db)
    assert notice.exit_code == 0 and len(notice.stdout.strip()) == 36
    assert _cli("notice", "t", "x", "--valid-from", "soon", "--db", db).exit_code == 2
    assert _cli("expire-cursors", "--db", db).exit_code == 0
    assert _cli("maintenance", "on", "--retry-after", "30", "--db", db).exit_code == 0
    service = PlatformService.open(tmp_path / "platform.db", is_valid_id_number)
    try:
        changes, _, _ = service.changes("any-device", None, 500)
        assert service.maintenance() == 30
    finally:
        service.close()
    assert {c["type"] for c in changes} == {"agent_account", "notice"}
    assert _cli("maintenance", "off", "--db", db).exit_code == 0


def test_serve_says_which_port_is_taken(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _cli("serve", "--port", str(port), "--db", str(tmp_path / "p.db"))
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_the_shipped_seed_catalogue_is_served(tmp_path):
    service = PlatformService.open(tmp_path / "platform.db", is_valid_id_number)
    try:
        published = service.load_catalogue(data_path("assets") / "catalogue")
        changes, _, _ = service.changes("any-device", None, 500)
    finally:
        service.close()
    items = [c["data"] for c in changes if c["type"] == "catalogue_item"]
    assert published == len(items) >= 40
    assert len([i for i in items if i["bundle_items"]]) >= 3


def test_every_platform_command_is_documented():
    from kiosk.cli.platform import platform

    docs = (REPO / "docs" / "platform.md").read_text(encoding="utf-8")
    for name, command in platform.commands.items():
        assert f"`{name}" in docs or f"platform {name}" in docs, (
            f"docs/platform.md does not explain {name}"
        )
        for param in command.params:
            if param.name in ("db_path", "config_path") or not isinstance(param, click.Option):
                continue
            assert param.opts[0] in docs, (
                f"docs/platform.md does not explain {name} {param.opts[0]}"
            )
