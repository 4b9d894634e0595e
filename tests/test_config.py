"""A technician's config mistakes stop the program with one line naming file, key and what is allowed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from kiosk.config import ConfigError, default_config_path, load_config
from kiosk.resources import data_path
from tests.conftest import cli_command, cli_env, write_site
from tests.security_fixtures import as_nobody


def test_site_file_overrides_the_packaged_defaults(site_file):
    config = load_config(site_file)
    assert config.site.name == "测试镇便民服务中心"
    assert [s.prefix for s in config.services] == ["A", "B", "C"]
    assert config.hours.open == "00:00"
    assert config.devices.printer.paper_mm == 80  # from default.toml
    assert config.service("civil").counters == ["3号窗口"]


def test_the_environment_variable_names_the_site_file(site_file, monkeypatch):
    monkeypatch.setenv("BIANMIN_CONFIG", str(site_file))
    assert load_config().site.code == "511502"


def test_the_documented_example_is_valid():
    config = load_config(data_path("config") / "example-site.toml")
    assert config.platform.device_id == "511502-K-000123"
    assert len({s.prefix for s in config.services}) == len(config.services)


@pytest.mark.parametrize(
    ("extra", "fragments"),
    [
        ("\n[ui]\nfont_size = 3\n", ["ui.font_size", "unknown key", "allowed keys", "idle_s"]),
        ('\n[ui]\nidle_s = "sixty"\n', ["ui.idle_s", "wrong type", "an integer"]),
        ("\n[devices.printer]\npaper_mm = 76\n", ["devices.printer.paper_mm", "58, 80"]),
        (
            '\n[[services]]\ncode = "again"\nname = "重复"\nprefix = "A"\ncounters = ["9"]\n',
            ["services[3].prefix", "'A'", "social"],
        ),
        (
            '\n[[services]]\ncode = "x"\nname = "缺窗口"\nprefix = "E"\n',
            ["services[3].counters", "missing"],
        ),
        ('\n[platform]\ndevice_secret = "abc"\n', ["platform.device_secret", "64 lower-case hex"]),
        ("\n[queue]\nappointment_grace_min = 999\n", ["queue.appointment_grace_min", "0 to 240"]),
    ],
)
def test_bad_values_are_named_precisely(tmp_path, extra, fragments):
    path = write_site(tmp_path, extra)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert str(path) in message and "\n" not in message
    for fragment in fragments:
        assert fragment in message


def test_missing_required_site_keys(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text('[site]\ncode = "511502"\nname = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"missing required key site\.data_dir"):
        load_config(path)


def test_missing_unreadable_and_broken_files(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[site\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)


def test_an_unreadable_site_file_is_named_with_its_cause(tmp_path):
    """Root reads any file, and CI runs as root: then the check runs in a forked child that
    has dropped to the user nobody, on a file in a folder nobody may enter."""
    if os.geteuid() != 0:
        locked = write_site(tmp_path)
        locked.chmod(0)
        with pytest.raises(ConfigError, match="not readable"):
            load_config(locked)
        return
    with tempfile.TemporaryDirectory(prefix="bianmin-unreadable-") as folder:
        folder = Path(folder)
        folder.chmod(0o755)
        locked = write_site(folder)
        locked.chmod(0)
        defaults = folder / "default.toml"  # the packaged defaults may sit where nobody can't go
        shutil.copy(default_config_path(), defaults)
        assert as_nobody(lambda: _config_error(locked, defaults)) == (
            f"{locked}: config file is not readable (permission denied)"
        )


def _config_error(site: Path, defaults: Path) -> str:
    import kiosk.config.loading

    kiosk.config.loading.default_config_path = lambda: defaults
    try:
        load_config(site)
    except ConfigError as exc:
        return str(exc)
    return "read"


def test_cli_exits_2_with_one_line_on_a_config_error(tmp_path):
    path = write_site(tmp_path, "\n[ui]\nfont_size = 3\n")
    for argv in (
        ["--config", str(path), "queue", "status"],
        ["queue", "status", "--config", str(path)],
    ):
        done = subprocess.run(cli_command(*argv), env=cli_env(), capture_output=True, text=True)
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "ui.font_size" in lines[0] and str(path) in lines[0]
        assert "Traceback" not in done.stderr


def test_the_example_documents_every_key_the_defaults_have():
    import tomllib

    def keys(table, prefix=""):
        for name, value in table.items():
            if isinstance(value, dict):
                yield from keys(value, f"{prefix}{name}.")
            else:
                yield f"{prefix}{name}"

    folder = data_path("config")
    defaults = tomllib.loads((folder / "default.toml").read_text(encoding="utf-8"))
    example = tomllib.loads((folder / "example-site.toml").read_text(encoding="utf-8"))
    assert set(keys(defaults)) - set(keys(example)) == set()


def test_defaults_are_written_only_in_default_toml():
    import dataclasses

    from kiosk import config as config_module

    for cls in vars(config_module).values():
        if dataclasses.is_dataclass(cls) and cls.__module__ == config_module.__name__:
            for f in dataclasses.fields(cls):
                assert f.default is dataclasses.MISSING, f"{cls.__name__}.{f.name} has a default"
                assert f.default_factory is dataclasses.MISSING, f"{cls.__name__}.{f.name}"


def test_a_section_from_the_defaults_alone(site_file):
    from kiosk.config import PrinterDevice, Sync, Ui, section_defaults

    config = load_config(site_file)  # the test site sets none of these sections
    assert section_defaults(Ui) == config.ui
    assert section_defaults(PrinterDevice) == config.devices.printer
    assert section_defaults(Sync) == config.sync
    with pytest.raises(TypeError, match="not a table"):
        section_defaults(ConfigError)


def test_services_take_what_they_leave_out_from_service_defaults(tmp_path):
    config = load_config(write_site(tmp_path))
    assert config.service("social").default_service_min == 4.0  # its own
    assert config.service("civil").default_service_min == 5.0  # from default.toml
    site = write_site(tmp_path, "\n[service_defaults]\ndefault_service_min = 7.5\n")
    config = load_config(site)
    assert config.service("social").default_service_min == 4.0
    assert config.service("hukou").default_service_min == 7.5


@pytest.mark.parametrize(
    ("extra", "fragments"),
    [
        (
            "\n[service_defaults]\nminutes = 3\n",
            ["unknown key service_defaults.minutes", "default_service_min"],
        ),
        (
            "\n[service_defaults]\ndefault_service_min = 0.1\n",
            ["service_defaults.default_service_min = 0.1", "0.5 to 240"],
        ),
        ("\n[sync]\npull_limit = 501\n", ["sync.pull_limit = 501", "1 to 500"]),
    ],
)
def test_service_defaults_and_pull_limit_are_checked(tmp_path, extra, fragments):
    with pytest.raises(ConfigError) as err:
        load_config(write_site(tmp_path, extra))
    for fragment in fragments:
        assert fragment in str(err.value)


def test_the_sync_engine_settings_come_from_the_config_alone():
    import dataclasses

    from kiosk.config import Sync
    from offline_sync.sync import SyncSettings

    keys = {f.name for f in dataclasses.fields(Sync)}
    for f in dataclasses.fields(SyncSettings):
        assert f.default is dataclasses.MISSING, f"SyncSettings.{f.name} has a default"
        assert f.name in keys, f"SyncSettings.{f.name} is not a [sync] key"
