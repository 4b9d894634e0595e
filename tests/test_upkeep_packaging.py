"""The appliance's packaging files, checked without building the package (``make deb-check``
builds it, lists it and runs lintian in CI): units, udev rules, maintainer scripts, the
template site file."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess

import pytest

from kiosk.config import load_config
from kiosk.core.upkeep.doctor import DoctorContext, Status, run_checks
from tests.conftest import REPO

SYSTEMD = REPO / "config" / "systemd"
DEBIAN = REPO / "config" / "debian"
RULES = REPO / "config" / "udev" / "61-bianmin.rules"
_RULE_PAIR = re.compile(r'^([A-Z_]+(?:\{[^}]+\})?)(==|!=|\+=|-=|:=|=)"([^"]*)"$')


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(SYSTEMD / name)
    return parser


def test_the_kiosk_unit_is_watched_and_always_restarted():
    kiosk = unit("bianmin-kiosk.service")["Service"]
    assert kiosk["Type"] == "notify" and kiosk["NotifyAccess"] == "all"
    assert int(kiosk["WatchdogSec"]) >= 30 and kiosk["Restart"] == "always"
    assert kiosk["RestartPreventExitStatus"] == "2"  # a config error is not retried forever
    assert kiosk["ExecStart"].startswith("/usr/bin/cage ") and "ui run" in kiosk["ExecStart"]
    assert kiosk["User"] == "bianmin" and "setterm --blank 0" in kiosk["ExecStartPre"]
    assert unit("bianmin-backup.timer")["Timer"]["Persistent"] == "true"
    assert "backup now --if-due" in unit("bianmin-backup.service")["Service"]["ExecStart"]


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("cage") or not shutil.which("unshare"),
    reason="systemd-analyze verify of units naming /opt/bianmin needs root and cage",
)
def test_systemd_analyze_verify_passes_on_the_units():
    units = " ".join(str(p) for p in sorted(SYSTEMD.glob("bianmin-*")))
    fake = "mkdir -p /opt/bianmin/bin && printf '#!/bin/sh\\n' > /opt/bianmin/bin/bianmin"
    done = subprocess.run(
        [
            "unshare", "--mount", "sh", "-c",
            f"mount -t tmpfs none /opt && {fake} && chmod 755 /opt/bianmin/bin/bianmin && "
            f"systemd-analyze verify {units}",
        ],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_udev_rules_parse_and_keep_modem_manager_off():
    labels, gotos = set(), set()
    for number, line in enumerate(RULES.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        for pair in line.split(", "):
            match = _RULE_PAIR.match(pair.strip())
            assert match, f"61-bianmin.rules:{number}: cannot parse {pair!r}"
            key, _op, value = match.groups()
            if key == "LABEL":
                labels.add(value)
            if key == "GOTO":
                gotos.add(value)
    assert gotos <= labels
    text = RULES.read_text()
    assert 'ENV{ID_MM_DEVICE_IGNORE}="1"' in text and 'GROUP="dialout"' in text
    assert "bianmin/usb-$env{ID_VENDOR_ID}" in text and "bianmin/port-$env{ID_PATH_TAG}" in text


def test_maintainer_scripts_and_the_wrapper_are_valid_shell():
    for name in ("postinst", "prerm", "postrm", "bianmin"):
        script = DEBIAN / name
        assert os.access(script, os.X_OK), name
        done = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    postinst = (DEBIAN / "postinst").read_text()
    assert (
        "bianmin doctor" in postinst
        or "bin/bianmin --config /etc/bianmin/site.toml doctor" in postinst
    )
    assert "adduser --quiet bianmin" in postinst and "dialout" in postinst


def test_the_template_site_file_loads_and_doctor_asks_to_fill_it_in():
    config = load_config(DEBIAN / "site.toml")
    assert config.data_dir.as_posix() == "/var/lib/bianmin" and config.ui.kiosk_lock
    report = run_checks(DoctorContext(str(DEBIAN / "site.toml"), "x.sqlite3"), ["config"])
    (result,) = report.results
    assert result.status is Status.WARN and "template" in result.detail
