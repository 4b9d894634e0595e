"""A non-editable install carries config/ and assets/ and finds its default config."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_ships_config_and_assets_and_runs_from_anywhere(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            tmp_path,
            REPO,
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("bianmin-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "kiosk/_data/config/default.toml" in names
    assert "kiosk/_data/config/example-site.toml" in names
    assert any(n.startswith("kiosk/_data/assets/") for n in names)
    assert any(n.endswith("entry_points.txt") for n in names)
    # the hall's pages are package data, found from the package's own location
    assert {"kiosk/hall/templates/board.html", "kiosk/hall/static/board.js"} <= set(names)
    site = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = (
        "from kiosk.config import default_config_path, load_config;"
        "p = default_config_path(); print(p); load_config(str(p.parent / 'example-site.toml'))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path[:0] = [{str(site)!r}]; {probe}"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_relative_to(site)
    helped = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path[:0] = [{str(site)!r}]; from kiosk.cli.main import main; main()",
            "--help",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert helped.returncode == 0 and "queue" in helped.stdout
