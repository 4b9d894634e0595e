"""A site file edited while the kiosk runs: noticed, loaded like a start-up, taken in when
good; a bad edit changes nothing, says why (no secret quoted), and a restart runs on the
last good copy. The composition root reopens only what a change touches."""

from __future__ import annotations

import dataclasses
import os
import stat

import pytest

from kiosk.app import assemble_front_end
from kiosk.config import ConfigError, load_config
from kiosk.core.upkeep.site_file import SiteFile
from kiosk.core.upkeep.site_watch import (
    Accepted,
    Rejected,
    SiteWatch,
    changed_sections,
    last_good_path,
    load_running_config,
    restore_last_good,
)
from kiosk.core.voice import Voice
from tests.conftest import write_site

SECRET = "ab" * 32


def edit(path, old: str, new: str) -> None:
    """What a technician does with sudoedit: the file replaced with the edited text."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(name="site")
def site_fixture(tmp_path):
    path = write_site(tmp_path, "\n[ui]\nidle_s = 60  # a minute\n")
    os.chmod(path, 0o600)
    return path


def test_an_unchanged_file_is_read_once_and_its_copy_kept(site):
    watch = SiteWatch(load_config(site))
    assert watch.check() is None and watch.problem == ""
    kept = last_good_path(site)
    assert kept.read_text(encoding="utf-8") == site.read_text(encoding="utf-8")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600  # it may hold the device secret
    assert watch.check() is None


def test_a_good_edit_is_taken_in_and_becomes_the_last_good(site):
    watch = SiteWatch(load_config(site))
    watch.check()
    edit(site, "idle_s = 60", "idle_s = 90")
    change = watch.check()
    assert isinstance(change, Accepted) and change.config.ui.idle_s == 90
    assert "idle_s = 90" in last_good_path(site).read_text(encoding="utf-8")
    edit(site, "# a minute", "# a minute and a half")  # a comment: nothing to take in
    assert watch.check() is None


def test_a_bad_edit_changes_nothing_and_says_why_without_the_secret(site):
    watch = SiteWatch(load_config(site))
    watch.check()
    good = site.read_text(encoding="utf-8")
    with site.open("a", encoding="utf-8") as out:
        out.write(f'\n[platform]\ndevice_secret = "{SECRET[:-1]}"\n')
    change = watch.check()
    assert isinstance(change, Rejected)
    assert "platform.device_secret = (hidden, 63 characters); allowed: 64 lower-case hex" in (
        change.problem
    )
    assert SECRET[:20] not in change.problem and str(site) in change.problem
    assert watch.problem == change.problem
    assert watch.check() is None  # the same bad file: said once
    assert last_good_path(site).read_text(encoding="utf-8") == good
    state = load_running_config(site)  # a restart (Restart=always, a power cut)
    assert state.on_last_good and state.problem == change.problem
    assert state.config.ui.idle_s == 60 and state.config.source == str(site)
    site.write_text(good, encoding="utf-8")  # put right by hand
    assert watch.check() is None and watch.problem == ""


def test_the_last_good_copy_can_be_put_back(site):
    SiteWatch(load_config(site)).check()
    edit(site, "idle_s = 60", "idle_s = 'soon'")
    with pytest.raises(ConfigError, match="idle_s = 'soon' has the wrong type"):
        load_config(site)
    assert restore_last_good(site).ui.idle_s == 60
    assert "idle_s = 'soon'" in SiteFile(site).previous_path.read_text(encoding="utf-8")


def test_with_no_last_good_copy_a_bad_file_still_stops_the_start(tmp_path):
    site = write_site(tmp_path, "\n[ui]\nidle_s = -1\n")
    with pytest.raises(ConfigError, match="idle_s = -1"):
        load_running_config(site)
    with pytest.raises(ConfigError, match="no last good configuration"):
        restore_last_good(site)


def test_a_deleted_site_file_is_a_problem_not_a_stop(site):
    watch = SiteWatch(load_config(site))
    watch.check()
    site.unlink()
    change = watch.check()
    assert isinstance(change, Rejected) and "config file not found" in change.problem
    assert load_running_config(site).config.ui.idle_s == 60


@pytest.mark.parametrize(
    ("edited", "shown", "hidden"),
    [
        ('\ntechnician_pin = "12"', "ui.technician_pin = (hidden", "'12'"),
        ('\n[platform]\ndevice_secret = "Zq7x"\n', "device_secret = (hidden", "Zq7x"),
        ("\n[devices.printer]\npaper_mm = 76\n", "devices.printer.paper_mm = 76", None),
    ],
)
def test_a_rejected_edit_quotes_every_value_but_a_secret(site, edited, shown, hidden):
    watch = SiteWatch(load_config(site))
    watch.check()
    if edited.startswith("\n["):
        with site.open("a", encoding="utf-8") as out:
            out.write(edited)
    else:  # a key of [ui], the site file's last table
        edit(site, "idle_s = 60  # a minute", "idle_s = 60" + edited)
    change = watch.check()
    assert isinstance(change, Rejected) and shown in change.problem
    assert hidden is None or hidden not in change.problem


def test_changed_sections_name_each_device_apart(site, tmp_path):
    before = load_config(site)
    edit(
        site,
        "[ui]",
        '[devices.idcard]\nport = "/dev/ttyUSB9"\n\n[platform]\nurl = "http://p"\n\n[ui]',
    )
    assert changed_sections(before, load_config(site)) == {"devices.idcard", "platform"}


def test_the_front_end_reopens_only_the_devices_a_change_touches(site, clock, tmp_path):
    edit(site, "[ui]", '[devices.idcard]\nport = "sim"\n\n[ui]')
    voice = Voice(tmp_path / "voice", player=None, synthesiser=lambda _p, wav: wav.write_bytes(b""))
    front_end = assemble_front_end(load_config(site), clock, voice=voice, background=False)
    try:
        reader = front_end.devices.reader
        edit(site, "idle_s = 60", "idle_s = 90\nwidth = 1366")
        reload = front_end.reload(load_config(site))
        assert reload.changed == {"ui"} and reload.reopened == ()
        assert not reload.services and reload.at_next_start == ("ui.width",)
        assert front_end.devices.reader is reader and front_end.config.ui.idle_s == 90
        edit(site, 'port = "sim"', 'port = "sim"\nbaud = 9600')
        reload = front_end.reload(load_config(site))
        assert reload.reopened == ("reader",) and front_end.devices.reader is not reader
        assert front_end.devices.reader.baud == 9600
        edit(site, "[ui]", "[devices.printer]\npaper_mm = 58\n\n[ui]")
        reload = front_end.reload(load_config(site))
        assert reload.services and reload.reopened == ()
        services = front_end.build_services()
        try:
            assert services.printer.paper.mm == 58
        finally:
            services.close()
        front_end.release("reader")
        assert front_end.devices.reader is None
        assert front_end.reload(front_end.config).reopened == ("reader",)
    finally:
        front_end.close()


def test_doctor_names_the_bad_edit_without_the_secret_and_the_copy_in_force(site):
    from kiosk.core.upkeep.doctor import DoctorContext, Status, run_checks

    SiteWatch(load_config(site)).check()
    with site.open("a", encoding="utf-8") as out:
        out.write('\n[platform]\ndevice_secret = "0123"\n')
    (result,) = run_checks(DoctorContext(str(site), "bianmin.sqlite3"), ["config"]).results
    assert result.status is Status.FAIL and "device_secret = (hidden" in result.detail
    assert str(last_good_path(site)) in result.fix


def test_a_front_ends_own_adjustments_are_not_undone_by_the_first_look(site):
    """`ui run --windowed` (or the tablet's window) adjusts the configuration it runs on;
    an unchanged site file must not be taken for an edit that puts full screen back."""
    loaded = load_config(site)
    flipped = dataclasses.replace(loaded.ui, fullscreen=not loaded.ui.fullscreen)
    windowed = dataclasses.replace(loaded, ui=flipped)
    watch = SiteWatch(windowed)
    assert watch.check() is None
    edit(site, "idle_s = 60", "idle_s = 90")  # a real edit is taken in, from the file
    change = watch.check()
    assert isinstance(change, Accepted) and change.config.ui.idle_s == 90
