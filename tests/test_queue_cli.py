"""The stable queue CLI as scripts and counter staff use it."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import cli_command, cli_env


def run(site_file, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli_command(*args), env=cli_env(site_file), capture_output=True, text=True
    )


def test_take_call_serve_done_and_stats_from_a_shell(site_file):
    taken = run(site_file, "queue", "take", "social", "--json")
    assert taken.returncode == 0, taken.stderr
    ticket = json.loads(taken.stdout)
    assert {"ticket_id", "ticket_no", "service", "issued_at", "ahead", "estimated_wait_min"} <= set(
        ticket
    )
    assert ticket["ticket_no"] == "A001" and ticket["service"] == "social"
    text = run(site_file, "queue", "take", "social")
    assert "A002" in text.stdout and "前面还有 1 人" in text.stdout
    assert "A001" in run(site_file, "queue", "call", "1号窗口").stdout
    assert run(site_file, "queue", "serve", "A001").returncode == 0
    assert run(site_file, "queue", "done", "A001").returncode == 0
    assert run(site_file, "queue", "transfer", "A002", "civil").returncode == 0
    status = json.loads(run(site_file, "queue", "status", "--json").stdout)
    assert {row["service"]: row["waiting"] for row in status}["civil"] == 1
    stats = json.loads(run(site_file, "queue", "stats", "--json").stdout)
    social = next(s for s in stats if s["service"] == "social")
    assert social["served"] == 1 and social["no_show_rate"] == 0.0
    checked = run(site_file, "db", "check", "--json")
    assert checked.returncode == 0 and json.loads(checked.stdout)["integrity"] == ["ok"]


def test_errors_exit_1_for_the_domain_and_2_for_usage(site_file):
    unknown = run(site_file, "queue", "serve", "A404")
    assert (
        unknown.returncode == 1 and "A404" in unknown.stderr and "Traceback" not in unknown.stderr
    )
    bad_service = run(site_file, "queue", "take", "passport")
    assert bad_service.returncode == 1 and "social" in bad_service.stderr
    usage = run(site_file, "queue", "take", "social", "--priority", "vip")
    assert usage.returncode == 2 and "vip" in usage.stderr
    missing = subprocess.run(
        cli_command("--config", "/nonexistent/site.toml", "queue", "status"),
        env=cli_env(),
        capture_output=True,
        text=True,
    )
    assert (
        missing.returncode == 2
        and "/nonexistent/site.toml: config file not found" in missing.stderr
    )


def test_the_scripted_demo_runs(tmp_path):
    done = subprocess.run(
        cli_command("demo", "queue", "--dir", str(tmp_path)),
        env=cli_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "请 A002 号（绿色通道）到 1号窗口 办理" in done.stdout and "VA002" not in done.stdout
