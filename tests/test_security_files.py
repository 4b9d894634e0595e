"""The data directory is private (0700, files 0600), old installs too, and tidy after a crash."""

from __future__ import annotations

import os
import pwd
import stat
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from kiosk.app import build_app
from kiosk.config import load_config
from kiosk.core.privacy import files
from kiosk.core.privacy.files import DataDirError, Tidied, prepare_data_dir
from kiosk.core.voice import Voice
from tests.cases_fixtures import applicant, tiny_jpeg
from tests.conftest import bianmin, write_site
from tests.security_fixtures import PENSION, as_nobody, one_line


def modes(root: Path) -> dict[str, int]:
    """Mode bits of every entry under ``root`` (and ``root`` itself, as ``.``)."""
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def loose(root: Path) -> dict[str, str]:
    """Entries others or the group may use, with their modes in octal."""
    return {name: oct(mode) for name, mode in modes(root).items() if mode & 0o077}


def use_everything(app, data_dir: Path) -> None:
    """A ticket, a case with a photo, a print job and a spoken sentence: every kind of file."""
    app.queue.take("social")
    app.catalogue.seed_if_empty()
    case_id = app.cases.new_draft(PENSION, applicant(), form={"phone": "13908171234"})
    app.cases.attach(case_id, "M01", tiny_jpeg(4), "image/jpeg")
    Voice(data_dir / "voice", None, lambda _pinyin, wav: wav.write_bytes(b"RIFF")).say("请取号")


def test_every_file_the_kiosk_writes_is_private_from_the_start(config, app):
    old_umask = os.umask(0o022)  # a usual system umask: the code must not rely on one
    try:
        use_everything(app, config.data_dir)
    finally:
        os.umask(old_umask)
    names = set(modes(config.data_dir))
    assert {"bianmin.sqlite3", "bianmin.sqlite3-wal", "vault.key", "attachments", "voice"} <= names
    assert loose(config.data_dir) == {}


def test_an_install_made_before_the_rule_is_made_private_at_start(config, clock):
    app = build_app(config, clock)
    use_everything(app, config.data_dir)
    app.close()
    for path in [config.data_dir, *config.data_dir.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    (config.data_dir / "backup-2026-11-01.tar").write_bytes(b"old backup")
    (config.data_dir / "backup-2026-11-01.tar").chmod(0o666)
    assert len(loose(config.data_dir)) >= 6
    app = build_app(config, clock)
    try:
        assert loose(config.data_dir) == {}
        assert stat.S_IMODE(config.data_dir.stat().st_mode) == 0o700
    finally:
        app.close()


def test_temporary_files_left_by_a_crash_go_at_the_next_start_young_ones_stay(config, clock):
    app = build_app(config, clock)
    app.close()
    attachments = config.data_dir / "attachments"
    attachments.mkdir(exist_ok=True)
    old_tmp = attachments / ".0b1e7c52.tmp"
    old_part = config.data_dir / "voice" / "5d41402a.part"
    young_tmp = attachments / ".9f86d081.tmp"
    old_part.parent.mkdir(exist_ok=True)
    for path in (old_tmp, old_part, young_tmp):
        path.write_bytes(b"half a file")
    an_hour_ago = time.time() - 3600
    for path in (old_tmp, old_part):
        os.utime(path, (an_hour_ago, an_hour_ago))
    app = build_app(config, clock)
    app.close()
    assert not old_tmp.exists() and not old_part.exists()
    assert young_tmp.exists(), "a file this young may be another process's write in progress"


def test_a_data_directory_that_cannot_be_created_is_one_line(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data directory should go")
    site = write_site(tmp_path)
    site.write_text(
        site.read_text(encoding="utf-8").replace(str(tmp_path / "data"), str(blocker / "data")),
        encoding="utf-8",
    )
    line = one_line(bianmin("queue", "take", "social", site_file=site))
    assert line.startswith(f"bianmin: {blocker / 'data'}: cannot create the data directory (")
    assert line.endswith(
        "create it for the kiosk's user or set [site] data_dir to a writable place"
    )


def test_the_data_directory_itself_may_be_a_file_by_mistake(tmp_path):
    config = load_config(write_site(tmp_path))
    config.data_dir.write_text("not a directory")
    assert "is not a directory" in one_line(bianmin("status", site_file=config.source))


def test_prepare_data_dir_leaves_symlinks_alone(tmp_path):
    target = tmp_path / "shared.txt"
    target.write_text("not ours")
    target.chmod(0o644)
    data = tmp_path / "data"
    data.mkdir()
    (data / "link").symlink_to(target)
    prepare_data_dir(data)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_the_start_counts_what_it_made_private_and_removed_and_the_next_has_nothing(tmp_path):
    data = tmp_path / "data"
    (data / "attachments").mkdir(parents=True)
    (data / "attachments").chmod(0o755)
    (data / "vault.key").write_bytes(b"k")
    (data / "vault.key").chmod(0o644)
    (data / "private.txt").write_bytes(b"already private")
    (data / "private.txt").chmod(0o600)
    an_hour_ago = time.time() - 3600
    for stale in (data / "attachments" / ".0b1e7c52.tmp", data / "attachments" / "9f86.part"):
        stale.write_bytes(b"half a file")
        os.utime(stale, (an_hour_ago, an_hour_ago))
    data.chmod(0o755)

    tidied = prepare_data_dir(data)
    assert (tidied.modes_fixed, tidied.leftovers_removed) == (3, 2)  # data, attachments, key
    assert os.listdir(data / "attachments") == []
    again = prepare_data_dir(data)
    assert (again.modes_fixed, again.leftovers_removed) == (0, 0)


def test_a_new_data_directory_is_made_with_its_parents_and_private_from_birth(tmp_path):
    data = tmp_path / "srv" / "bianmin" / "data"  # a fresh install: no /srv/bianmin yet
    old_umask = os.umask(0o022)
    try:
        tidied = prepare_data_dir(data)
    finally:
        os.umask(old_umask)
    assert data.is_dir() and stat.S_IMODE(data.stat().st_mode) == 0o700
    assert tidied == Tidied(0, 0), "born private: nothing had to be fixed"


def test_a_leftover_exactly_as_old_as_the_allowance_stays_one_a_second_older_goes(
    tmp_path, monkeypatch
):
    now = 1_795_395_600.0
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    at_cutoff, older = data / ".at-cutoff.tmp", data / "older.part"
    for path, age in ((at_cutoff, 600), (older, 601)):
        path.write_bytes(b"half a file")
        path.chmod(0o600)
        os.utime(path, (now - age, now - age))
    monkeypatch.setattr(files, "time", SimpleNamespace(time=lambda: now))
    assert prepare_data_dir(data, leftovers_older_than_s=600) == Tidied(0, 1)
    assert at_cutoff.exists() and not older.exists()


def test_files_another_process_renames_or_removes_meanwhile_do_not_stop_the_start(
    tmp_path, monkeypatch
):
    """The kiosk and the tablet share the data directory: one's start may list a file
    that the other renames (its write done) or removes before the listing is looked at."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    gone = [data / ".0b1e7c52.tmp", data / "5d41402a.part", data / "photo.jpg"]
    an_hour_ago = time.time() - 3600
    for path in gone:
        path.write_bytes(b"half a file")
        path.chmod(0o644)
    os.utime(gone[1], (an_hour_ago, an_hour_ago))  # old enough to be a leftover
    walk = os.walk

    def listed_then_gone(top, *args, **kwargs):
        for folder, dirs, names in walk(top, *args, **kwargs):
            for path in gone:
                path.unlink(missing_ok=True)
            yield folder, dirs, names

    monkeypatch.setattr(os, "walk", listed_then_gone)
    assert prepare_data_dir(data) == Tidied(0, 0)


def test_a_file_the_kiosk_may_not_make_private_is_named_and_starts_once_root_fixed_it():
    """A file root left in the data directory (a backup restored with sudo) cannot be
    chmodded by the kiosk's user: the start names that file, not only the directory; once
    root has run the start (or chmod), the kiosk's user starts."""
    if os.geteuid() != 0:
        return  # the check needs a file of another user: root makes one for nobody
    with tempfile.TemporaryDirectory(prefix="bianmin-data-") as folder:
        Path(folder).chmod(0o755)
        data = Path(folder) / "data"
        data.mkdir(mode=0o700)
        nobody = pwd.getpwnam("nobody")
        os.chown(data, nobody.pw_uid, nobody.pw_gid)
        restored = data / "vault.key"
        restored.write_bytes(b"k")
        restored.chmod(0o644)

        def start() -> str:
            try:
                prepare_data_dir(data)
            except DataDirError as exc:
                return str(exc)
            return "made private"

        assert as_nobody(start) == (
            f"{restored}: cannot make the data directory private (Operation not permitted)"
        )
        assert prepare_data_dir(data) == Tidied(1, 0)  # as root
        assert as_nobody(start) == "made private"
