"""`bianmin config check` says whether a site file loads (exit 0, or 2 and one line with no
secret); `bianmin status` on a bad site file shows its error and reads the store of the
last good configuration the kiosk keeps to."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kiosk.cli.main import main
from kiosk.config import load_config
from kiosk.core.upkeep.site_watch import SiteWatch, last_good_path
from tests.conftest import write_site

SECRET = "cd" * 32


def bianmin(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env={"BIANMIN_CONFIG": "", **(env or {})})


def test_config_check_exits_0_for_a_good_file_and_2_with_one_line_for_a_bad_one(tmp_path):
    site = write_site(tmp_path)
    good = bianmin("config", "check", str(site))
    assert good.exit_code == 0 and "ok: site 511502 测试镇便民服务中心, 3 services" in good.output
    assert bianmin("--config", str(site), "config", "check").exit_code == 0
    assert bianmin("config", "check", env={"BIANMIN_CONFIG": str(site)}).exit_code == 0
    with site.open("a", encoding="utf-8") as out:
        out.write(f'\n[platform]\ndevice_secret = "{SECRET.upper()}"\n')
    bad = bianmin("config", "check", str(site))
    assert bad.exit_code == 2
    assert bad.output.strip().splitlines() == [
        f"bianmin: config: {site}: platform.device_secret = <hidden>;"
        " allowed: 64 lower-case hex characters"
    ]
    assert bianmin("config", "check").exit_code == 2  # nothing named: says what to give


def test_status_on_a_bad_site_file_says_why_and_reads_the_last_good_store(tmp_path):
    site = write_site(tmp_path)
    SiteWatch(load_config(site)).check()  # the kiosk ran on it: its last good copy is kept
    assert last_good_path(site).exists()
    text = site.read_text(encoding="utf-8")
    site.write_text(text.replace('data_dir = "', 'data_dir = 7 #"'), encoding="utf-8")
    shown = bianmin("--config", str(site), "status")
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0].startswith("config problem:") and "site.data_dir = 7" in lines[0]
    assert lines[1].startswith("running on:") and str(last_good_path(site)) in lines[1]
    assert any(line.startswith("pending records:") for line in lines)
    as_json = json.loads(bianmin("--config", str(site), "status", "--json").output)
    assert "site.data_dir = 7" in as_json["config_problem"]
    assert (tmp_path / "data" / "bianmin.sqlite3").exists()  # the last good data directory
    site.write_text(text, encoding="utf-8")
    assert (
        json.loads(bianmin("--config", str(site), "status", "--json").output)["config_problem"]
        is None
    )


def test_config_check_and_the_last_good_copy_are_documented():
    from tests.conftest import REPO

    install = (REPO / "docs" / "install.md").read_text(encoding="utf-8")
    kiosk = (REPO / "docs" / "kiosk.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "bianmin config check" in install and "bianmin config check [FILE]" in readme
    assert "site.toml.last-good" in install and "last-good" in kiosk
    assert "`config_problem`" in (REPO / "docs" / "sync.md").read_text(encoding="utf-8")
