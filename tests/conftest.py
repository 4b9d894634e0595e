"""Fixtures shared by every area: a site file in a temp dir, built services, a manual clock."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

from kiosk.app import build_app
from kiosk.cli.main import main
from kiosk.config import ENV_VAR, load_config
from tests.clocks import ManualClock

REPO = Path(__file__).resolve().parent.parent

# Property tests judge behaviour, not speed: no per-example deadline (hypothesis' default
# 200 ms fails on a loaded machine) and no health check on slow data generation.
settings.register_profile(
    "bianmin", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("bianmin")

SITE_TOML = """
[site]
code = "511502"
name = "测试镇便民服务中心"
data_dir = "{data_dir}"

[hours]
open = "00:00"
close = "24:00"
days = [1, 2, 3, 4, 5, 6, 7]

[[services]]
code = "social"
name = "社保医保"
prefix = "A"
counters = ["1号窗口", "2号窗口"]
default_service_min = 4.0

[[services]]
code = "civil"
name = "民政救助"
prefix = "B"
counters = ["3号窗口"]

[[services]]
code = "hukou"
name = "户籍办理"
prefix = "C"
counters = ["3号窗口", "4号窗口"]
"""


def write_site(tmp_path: Path, extra: str = "") -> Path:
    """Write a site file whose data dir is inside ``tmp_path``; returns its path."""
    path = tmp_path / "site.toml"
    path.write_text(SITE_TOML.format(data_dir=tmp_path / "data") + extra, encoding="utf-8")
    return path


@pytest.fixture
def site_file(tmp_path: Path) -> Path:
    return write_site(tmp_path)


@pytest.fixture
def config(site_file: Path):
    return load_config(site_file)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def app(config, clock):
    services = build_app(config, clock)
    yield services
    services.close()


def bianmin(*args: str, site_file: Path | None = None) -> Result:
    """Run ``bianmin ARGS`` in this process, as the console script does (click's CliRunner).

    ``result.stdout``, ``result.stderr`` and ``result.exit_code`` are what a shell sees; an
    exception the command does not turn into an exit status fails the test with its traceback.
    """
    argv = ["--config", str(site_file), *args] if site_file else list(args)
    return CliRunner().invoke(main, argv, env={ENV_VAR: None}, catch_exceptions=False)


def cli_command(*args: str) -> list[str]:
    """argv running the ``bianmin`` CLI of this checkout in a child process (for what needs a
    real process: kill -9, signals, a console on stdin, a server to stop)."""
    return [sys.executable, "-m", "kiosk", *args]


def cli_env(site_file: Path | None = None) -> dict[str, str]:
    """Environment for a CLI child process."""
    env = dict(os.environ, PYTHONPATH=str(REPO), KIVY_NO_ARGS="1", SDL_AUDIODRIVER="dummy")
    env.pop("BIANMIN_CONFIG", None)
    if site_file:
        env["BIANMIN_CONFIG"] = str(site_file)
    return env
