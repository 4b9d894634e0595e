"""A technician's site file: `bianmin config check`, secrets never echoed, URL typos refused
before anything is opened, a command with no site file saying how to give one, and `bianmin
status` on a bad site file showing its error and reading the last good configuration's store."""

from __future__ import annotations

import dataclasses
import json
import typing
import uuid
from pathlib import Path

import pytest

from kiosk.config import Config, is_secret_key, load_config
from kiosk.core.upkeep.site_watch import SiteWatch, last_good_path
from tests.conftest import REPO, bianmin, write_site
from tests.platform_fixtures import platform_server  # noqa: F401

SECRET = "Zq7SECRETvalue"  # matches no check of any key: every key refuses it


def _secret_keys(cls: type = Config, where: str = "") -> list[str]:
    """Every key of the configuration whose name says it holds a secret."""
    hints = typing.get_type_hints(cls)
    keys = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        dotted = f"{where}.{f.name}" if where else f.name
        hint = hints[f.name]
        if dataclasses.is_dataclass(hint):
            keys += _secret_keys(hint, dotted)
        elif is_secret_key(dotted):
            keys.append(dotted)
    return keys


def _with(tmp_path: Path, dotted: str, value: str) -> Path:
    table, key = dotted.rsplit(".", 1)
    return write_site(tmp_path, f"\n[{table}]\n{key} = {value}\n")


def test_the_secret_keys_are_the_ones_a_technician_would_name():
    keys = _secret_keys()
    assert {"platform.device_secret", "ui.technician_pin"} <= set(keys)
    assert not is_secret_key("platform.device_id") and not is_secret_key("sync.backoff_max_s")
    assert is_secret_key("hall.key") and is_secret_key("backup.passphrase")


@pytest.mark.parametrize("dotted", _secret_keys())
@pytest.mark.parametrize("value", [f'"{SECRET}"', f'["{SECRET}"]'])
def test_a_bad_secret_is_named_never_quoted(tmp_path, dotted, value):
    site = _with(tmp_path, dotted, value)
    for args in (("config", "check"), ("status",)):
        result = bianmin(*args, site_file=site)
        assert result.exit_code == 2
        assert dotted in result.stderr, result.stderr
        assert SECRET not in result.stderr + result.stdout
        assert "hidden" in result.stderr


def test_other_values_are_still_quoted(tmp_path):
    site = _with(tmp_path, "sync.interval_s", "0.5")
    result = bianmin("config", "check", site_file=site)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"bianmin: config: {site}: sync.interval_s = 0.5; allowed: a number from 1 to 86400"
    )


def test_config_check_says_what_is_in_force_without_secrets(tmp_path):
    secret = "ab" * 32
    site = write_site(
        tmp_path,
        '\n[platform]\nurl = "http://127.0.0.1:8080"\ndevice_id = "511502-K-000001"\n'
        f'device_secret = "{secret}"\n[ui]\ntechnician_pin = "73915"\n'
        '[devices.printer]\nurl = "serial:///dev/ttyUSB0?baud=9600"\n',
    )
    result = bianmin("config", "check", str(site))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"ok: {site}\n")
    assert "platform: http://127.0.0.1:8080 as 511502-K-000001" in result.stdout
    assert "printer: serial:///dev/ttyUSB0?baud=9600" in result.stdout
    assert "technician PIN: set" in result.stdout
    assert secret not in result.stdout and "73915" not in result.stdout
    # --config works as well as the argument; nothing given is a usage error
    assert bianmin("config", "check", site_file=site).exit_code == 0
    assert bianmin("config", "check").exit_code == 2


def test_a_command_without_a_site_file_says_how_to_give_one():
    result = bianmin("status")
    assert result.exit_code == 2
    assert "no site file: give --config PATH or set BIANMIN_CONFIG" in result.stderr
    assert "default.toml" not in result.stderr


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("serial://dev/ttyUSB0?baud=9600", "serial:///dev/ttyUSB0?baud=9600"),
        ("file://tmp/x.bin", "file:///tmp/x.bin"),
        ("serial://ttyUSB0", "serial:///dev/ttyUSB0"),
    ],
)
def test_a_printer_url_without_its_third_slash_is_refused_with_the_url_meant(tmp_path, typo, meant):
    site = write_site(tmp_path, f'\n[devices.printer]\nurl = "{typo}"\n')
    result = bianmin("config", "check", site_file=site)
    assert result.exit_code == 2
    assert "devices.printer.url" in result.stderr and f"did you mean {meant!r}" in result.stderr


def test_printer_commands_refuse_the_typo_before_opening_anything(tmp_path):
    name = f"bianmin-test-{uuid.uuid4().hex}.bin"
    stray = Path("/") / name  # where file://tmp/NAME would have written
    for args in (("status",), ("test",)):
        result = bianmin("printer", *args, "--printer", f"file://tmp/{name}")
        assert result.exit_code == 2
        assert f"did you mean 'file:///tmp/{name}'" in result.stderr
        assert not stray.exists()
    result = bianmin("printer", "status", "--printer", "serial://dev/ttyUSB0")
    assert result.exit_code == 2 and "'serial:///dev/ttyUSB0'" in result.stderr


@pytest.mark.parametrize("suffix", ["/api/v1", "/api/v1/", "/api"])
def test_a_platform_url_naming_the_api_is_refused_with_the_base_url(tmp_path, suffix):
    site = write_site(tmp_path, f'\n[platform]\nurl = "https://zwfw.example.gov.cn{suffix}"\n')
    result = bianmin("config", "check", site_file=site)
    assert result.exit_code == 2
    assert "write 'https://zwfw.example.gov.cn'" in result.stderr


def test_https_against_a_plain_http_platform_says_to_write_http(tmp_path, platform_server):  # noqa: F811
    p = platform_server
    https = p.url.replace("http://", "https://")
    site = write_site(
        tmp_path,
        f'\n[platform]\nurl = "{https}"\ndevice_id = "{p.device_id}"\n'
        f'device_secret = "{p.device_secret}"\n',
    )
    result = bianmin("sync", "--once", "--deadline", "1", site_file=site)
    assert result.exit_code == 1
    assert f"write {p.url!r} in [platform] url" in result.stderr
    assert f"write {p.url!r} in [platform] url" in bianmin("status", site_file=site).stdout


def test_status_on_a_bad_site_file_says_why_and_reads_the_last_good_store(tmp_path):
    site = write_site(tmp_path)
    SiteWatch(load_config(site)).check()  # the kiosk ran on it: its last good copy is kept
    assert last_good_path(site).exists()
    text = site.read_text(encoding="utf-8")
    site.write_text(text.replace('data_dir = "', 'data_dir = 7 #"'), encoding="utf-8")
    shown = bianmin("status", site_file=site)
    assert shown.exit_code == 0, shown.stdout
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("config problem:") and "site.data_dir = 7" in lines[0]
    assert lines[1].startswith("running on:") and str(last_good_path(site)) in lines[1]
    assert any(line.startswith("pending records:") for line in lines)
    as_json = json.loads(bianmin("status", "--json", site_file=site).stdout)
    assert "site.data_dir = 7" in as_json["config_problem"]
    assert (tmp_path / "data" / "bianmin.sqlite3").exists()  # the last good data directory
    site.write_text(text, encoding="utf-8")
    assert json.loads(bianmin("status", "--json", site_file=site).stdout)["config_problem"] is None


def test_config_check_and_the_last_good_copy_are_documented():
    install = (REPO / "docs" / "install.md").read_text(encoding="utf-8")
    kiosk = (REPO / "docs" / "kiosk.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    config = (REPO / "docs" / "config.md").read_text(encoding="utf-8")
    assert "bianmin config check" in install and "bianmin config check" in readme
    assert "bianmin config check [FILE]" in config  # the synopsis, on the command's page
    assert "site.toml.last-good" in install and "last-good" in kiosk
    assert "`config_problem`" in (REPO / "docs" / "sync.md").read_text(encoding="utf-8")
