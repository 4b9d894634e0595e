"""The printer CLI and the virtual printer as technicians and scripts use them.

The virtual printer runs in a child process (states typed on its stdin, SIGTERM ends
it); the printer commands run in this process against its pty.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
from pathlib import Path

from click.testing import Result

from tests.conftest import bianmin, cli_command, cli_env


def run(site_file, *args: str) -> Result:
    return bianmin(*args, site_file=site_file)


def test_status_test_page_ticket_and_reprint_through_the_virtual_printer(site_file, tmp_path):
    out = tmp_path / "paper"
    sim = subprocess.Popen(
        cli_command(
            "sim", "printer", "--pty", "--out", str(out), "--state", "paper_out", "--paper", "58"
        ),
        env=cli_env(site_file),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"serial://{sim.stdout.readline().strip()}?baud=115200"
        status = run(site_file, "printer", "status", "--printer", url, "--json")
        # a script can rely on the exit status: 1 when the printer cannot print
        assert status.exit_code == 1 and json.loads(status.stdout) == {"state": "paper_out"}

        refused = run(site_file, "queue", "take", "social", "--print", "--printer", url, "--json")
        assert refused.exit_code == 1 and json.loads(refused.stdout)["ticket_no"] == "A001"
        assert "not printed (job 1): printer paper_out" in refused.stderr

        sim.stdin.write("paper_near_end\n")
        sim.stdin.flush()
        assert sim.stdout.readline().strip() == "state paper_near_end"
        near = run(site_file, "printer", "status", "--printer", url, "--json")
        assert near.exit_code == 0 and json.loads(near.stdout) == {"state": "paper_near_end"}

        sim.stdin.write("ready\n")
        sim.stdin.flush()
        assert sim.stdout.readline().strip() == "state ready"
        ready = run(site_file, "printer", "status", "--printer", url)
        assert ready.exit_code == 0 and ready.stdout.startswith("ready  (")

        tested = run(site_file, "printer", "test", "--printer", url)
        assert tested.exit_code == 0 and "sent" in tested.stdout, tested.stderr
        assert sim.stdout.readline().startswith("job 1: ")

        taken = run(site_file, "queue", "take", "social", "--print", "--printer", url)
        assert taken.exit_code == 0 and "A002" in taken.stdout
        assert "ticket A002 printed (job 2)" in taken.stderr
        assert sim.stdout.readline().startswith("job 2: ")

        again = run(site_file, "printer", "reprint", "2", "--printer", url)
        assert again.exit_code == 0 and "printed (job 3)" in again.stderr
        assert sim.stdout.readline().startswith("job 3: ")

        jobs = json.loads(run(site_file, "printer", "jobs", "--json").stdout)
        assert [(j["job_id"], j["state"], j["reprint_of"]) for j in jobs] == [
            (3, "done", 2),
            (2, "done", None),
            (1, "failed", None),
        ]
    finally:
        sim.send_signal(signal.SIGTERM)
        assert sim.wait(10) == 0
    assert (out / "job-0002.png").is_file()
    ticket = (out / "job-0002.txt").read_text("utf-8")
    assert "A002" in ticket and "社保医保" in ticket
    assert (out / "job-0003.bin").read_bytes() == (out / "job-0002.bin").read_bytes()


def test_status_of_a_missing_printer_and_usage_errors(site_file, tmp_path):
    gone = run(
        site_file, "printer", "status", "--printer", f"serial://{tmp_path}/ttyUSB0", "--json"
    )
    assert gone.exit_code == 1 and json.loads(gone.stdout) == {"state": "offline"}
    unset = run(site_file, "printer", "status")
    assert (
        unset.exit_code == 2
        and str(site_file) in unset.stderr
        and "[devices.printer] url" in unset.stderr
    )
    bad = run(site_file, "printer", "status", "--printer", "tcp://host:http")
    assert bad.exit_code == 2 and "port 'http' is not a TCP port" in bad.stderr
    missing = run(site_file, "printer", "reprint", "404")
    assert missing.exit_code == 1 and "no print job 404" in missing.stderr
    both = run(site_file, "sim", "printer", "--pty", "--listen", "127.0.0.1:0")
    assert both.exit_code == 2 and "exactly one of" in both.stderr


def test_the_virtual_printer_without_out_keeps_the_paper_and_says_where(site_file):
    sim = subprocess.Popen(
        cli_command("sim", "printer", "--listen", "127.0.0.1:0"),
        env=cli_env(site_file),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        said = sim.stderr.readline()
        assert said.startswith("paper: each job as job-NNNN.png, .txt and .bin in /")
        folder = Path(said.rsplit(" in ", 1)[1].strip())
        url = sim.stdout.readline().strip()
        assert run(site_file, "printer", "test", "--printer", url).exit_code == 0
        announced = sim.stdout.readline()
        assert announced.startswith("job 1: ") and str(folder / "job-0001.png") in announced
    finally:
        sim.send_signal(signal.SIGTERM)
        sim.wait(10)
    assert (folder / "job-0001.png").is_file() and (folder / "job-0001.txt").is_file()
    shutil.rmtree(folder)
