"""The site file is changed atomically, keeps its comments and the previous version, and a
change that does not validate leaves it as it was."""

from __future__ import annotations

import os
import stat

import pytest

from kiosk.config import ConfigError
from kiosk.core.upkeep.site_file import SiteFile
from tests.conftest import write_site


def test_a_change_keeps_comments_and_the_previous_version(tmp_path):
    path = write_site(tmp_path, '\n[devices.idcard]\nport = "/dev/ttyUSB0"  # the reader\n')
    os.chmod(path, 0o640)
    before = path.read_text(encoding="utf-8")
    site = SiteFile(path)
    config = site.update({"devices.idcard.port": "/dev/serial/by-id/usb-reader", "backup.keep": 3})
    assert config.devices.idcard.port == "/dev/serial/by-id/usb-reader"
    assert config.backup.keep == 3
    text = path.read_text(encoding="utf-8")
    assert 'port = "/dev/serial/by-id/usb-reader"  # the reader' in text
    assert "[backup]" in text and "测试镇便民服务中心" in text
    assert site.previous_path.read_text(encoding="utf-8") == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_change_that_does_not_validate_changes_nothing(tmp_path):
    path = write_site(tmp_path)
    before = path.read_text(encoding="utf-8")
    site = SiteFile(path)
    with pytest.raises(ConfigError, match=r"site\.toml: devices\.idcard\.baud = 1234"):
        site.update({"devices.idcard.baud": 1234})
    assert path.read_text(encoding="utf-8") == before
    assert not site.previous_path.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_previous_version_can_be_put_back(tmp_path):
    path = write_site(tmp_path)
    site = SiteFile(path)
    site.update({"ui.voice": False})
    site.update({"ui.voice": True, "ui.idle_s": 90})
    assert site.load().ui.idle_s == 90
    config = site.restore_previous()
    assert config.ui.voice is False and config.ui.idle_s == 60
