"""The benchmarks run on the installed program alone (no tests, no test tools), and each
still runs: a small run of every one ends with its RESULT line."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO, cli_env

TEST_ONLY = {"tests", "pytest", "hypothesis"}


def test_benchmarks_import_nothing_from_the_tests_or_the_dev_extras():
    found = []
    for path in sorted((REPO / "benchmarks").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in TEST_ONLY]
    assert found == []


SMALL_RUNS = {
    "agent_photo.py": ["--rounds", "1"],
    "catalogue_search.py": ["--items", "200", "--rounds", "2"],
    "hall_load.py": ["--seconds", "2", "--direct-seconds", "1"],
    "idcard_read.py": ["--n", "2"],
    "queue_take.py": ["--n", "20"],
    "sync_backlog.py": ["--cases", "20", "--attachments", "2", "--naive-sample", "5"],
    "ticket_print.py": ["--n", "1"],
    "ui_latency.py": ["--starts", "1", "--taps", "2"],
}


def test_every_benchmark_has_a_small_run():
    assert sorted(SMALL_RUNS) == sorted(p.name for p in (REPO / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("script", sorted(SMALL_RUNS))
def test_each_benchmark_runs_small_and_ends_with_its_result_line(script, tmp_path):
    """A benchmark the code has moved away from fails here, not on the day it is needed."""
    env = cli_env() | {"KIVY_HOME": str(tmp_path / "kivy"), "HOME": str(tmp_path)}
    env.pop("DISPLAY", None)
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), *SMALL_RUNS[script]],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"RESULT( [a-z_0-9]+=\S+)+", last), last
