"""The stable queue CLI as scripts and counter staff use it (in this process)."""

from __future__ import annotations

import json

from click.testing import Result

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
