"""The diagnostics bundle holds what a county technician needs and nothing that names a person
or opens the box: a test greps every member for each secret and each piece of personal data."""

from __future__ import annotations

import json
import zipfile

from click.testing import CliRunner

from kiosk.app import build_app
from kiosk.cli.main import main
from kiosk.config import load_config
from kiosk.core.cases.files import SealedFiles
from kiosk.core.upkeep.scrub import Scrubber
from tests.clocks import ManualClock
from tests.conftest import write_site

SECRET = "5e" * 32
PIN = "97531864"
ID_NUMBER = "51152119850101001X"
OLD_ID_NUMBER = "511521850101001"
PHONE = "13912345678"
NAME = "𠀀明华"
ADDRESS = "李庄镇石牛村三组"
ATTACHMENT = b"scan of the household register page of " + NAME.encode()


def staged(tmp_path):
    """A site with a secret, a PIN, a store, an attachment, a print job and a leaky log."""
    site = write_site(
        tmp_path,
        f'\n[platform]\nurl = "http://127.0.0.1:9"\ndevice_id = "511502-K-000123"\n'
        f'device_secret = "{SECRET}"\n\n[ui]\ntechnician_pin = "{PIN}"\n',
    )
    config = load_config(site)
    app = build_app(config, ManualClock())
    app.queue.take("social")
    _id, rel = SealedFiles(app.vault, config.data_dir).write(ATTACHMENT)
    app.store.conn.execute(
        "INSERT INTO print_job (kind, ref, state, printer_url, size, payload, created_at)"
        " VALUES ('receipt', 'A001', 'done', 'tcp://10.0.0.9:9100', 3, ?, '2026-11-23T01:00:00Z')",
        (app.vault.seal(f"{NAME} {ID_NUMBER}"),),
    )
    app.close()
    log = tmp_path / "kiosk.log"
    log.write_text(
        f"INFO case submitted by {NAME} {ID_NUMBER} phone {PHONE}, old card {OLD_ID_NUMBER}\n"
        f"INFO address {ADDRESS}; 社保医保 ticket A001 at 1号窗口\n"
        f"WARNING signing with {SECRET}\n",
        encoding="utf-8",
    )
    sealed = (config.data_dir / rel).read_bytes()
    key = (config.data_dir / "vault.key").read_text().strip()
    return site, log, key, sealed


def test_the_bundle_has_the_report_and_no_secret_or_personal_data(tmp_path, monkeypatch):
    site, log, key, sealed = staged(tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "journalctl").write_text(
        f"#!/bin/sh\necho 'Nov 23 kiosk[1]: card read {ID_NUMBER} {NAME}'\n"
    )
    (bin_dir / "journalctl").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    out = tmp_path / "bundle.zip"
    done = CliRunner().invoke(
        main, ["--config", str(site), "diagnostics", "--out", str(out), "--log", str(log)]
    )
    assert done.exit_code == 0, done.output
    assert out.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(out) as bundle:
        members = {name: bundle.read(name) for name in bundle.namelist()}
    everything = b"\n".join(members.values())
    text = everything.decode("utf-8")
    for secret in (SECRET, PIN, key, key[:32], ID_NUMBER, OLD_ID_NUMBER, PHONE, NAME, ADDRESS):
        assert secret not in text, secret
    assert b"SQLite format 3" not in everything
    assert sealed[:32] not in everything and b"household register" not in everything
    # what the county needs is there
    doctor = json.loads(members["doctor.json"])
    assert {c["name"] for c in doctor["checks"]} >= {"config", "store", "platform"}
    config = json.loads(members["config.json"])
    assert config["platform"] == {
        "url": "http://127.0.0.1:9",
        "device_id": "511502-K-000123",
        "device_secret": "<removed>",
    }
    assert config["ui"]["technician_pin"] == "<removed>" and config["ui"]["voice"] is True
    assert config["sound"] == {"device": "default", "volume": 0}
    assert config["hall"]["key"] == "<removed>" and config["hall"]["listen"] == "0.0.0.0:8470"
    store = json.loads(members["store.json"])
    assert store["rows"]["ticket"] == 1 and store["attachments"]["files"] == 1
    assert store["outbox"] == {"pending": 1} and store["oldest_pending_at"]
    (job,) = json.loads(members["print_jobs.json"])
    assert job["kind"] == "receipt" and "payload" not in job
    logs = members["logs.txt"].decode()
    assert "5115**********001X" in logs and "139****5678" in logs and "𠀀**" in logs
    assert "card read 5115**********001X" in logs  # from the journal
    assert "社保医保 ticket A001 at 1号窗口" in logs  # known words are kept


def test_a_config_that_does_not_load_is_reported_without_its_values(tmp_path):
    site = write_site(tmp_path, f'\n[ui]\ntechnician_pin = "{PIN}x"\n')
    out = tmp_path / "bundle.zip"
    done = CliRunner().invoke(main, ["--config", str(site), "diagnostics", "--out", str(out)])
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(out) as bundle:
        config = json.loads(bundle.read("config.json"))
        assert PIN not in bundle.read("doctor.json").decode()
    assert "ui.technician_pin = <removed>; allowed" in config["error"]


def test_the_scrubber_keeps_known_words_and_masks_the_rest():
    scrub = Scrubber({"社保医保", "请取号"})
    assert scrub("社保医保: 张三 5115211985010100 1X") == "社保医保: 张* 5115211985010100 1X"
    assert scrub(f"{ID_NUMBER}/13800000000") == "5115**********001X/138****0000"
    assert scrub("请取号，王小明") == "请取号，王**"
