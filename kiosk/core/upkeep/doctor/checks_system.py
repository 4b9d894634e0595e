"""Checks of the box itself: configuration, data directory, store, key, clock, fonts, sound,
backups."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from kiosk.config import ENV_VAR, ConfigError, load_config
from kiosk.core.local_time import CLOCK_FAIL_S, CLOCK_WARN_S, offset_words
from kiosk.core.schema import MIGRATION_SETS
from kiosk.core.upkeep import backup as backup_module
from kiosk.core.upkeep.doctor.report import DoctorContext, check, fail, ok, warn
from kiosk.core.upkeep.errors import KeyFileError
from kiosk.core.upkeep.keys import WRAPPED_SUFFIX, current_fingerprint, key_path, read_key
from kiosk.core.upkeep.site_watch import last_good_path
from offline_sync.vault import recorded_key_id

PLACEHOLDER_CODE = "000000"  # the site code of the package's template site file
MIN_FREE_BYTES = 200 * 1024 * 1024
LOW_FREE_BYTES = 1024 * 1024 * 1024
# File systems the store must not live on: lost at reboot, or no locking/fsync worth the name.
VOLATILE_FS = {"tmpfs", "ramfs"}
WEAK_FS = {"vfat", "exfat", "ntfs", "ntfs3", "fuseblk", "nfs", "nfs4", "cifs", "smb3", "9p"}
BACKUP_WARN_AGE = timedelta(hours=36)
BACKUP_FAIL_AGE = timedelta(days=7)


@check("config", "the site file loads and validates")
def config_check(ctx: DoctorContext):
    try:
        config = load_config(ctx.config_path)
    except ConfigError as exc:
        fix = "edit the site file (see config/example-site.toml), then run doctor"
        site = ctx.config_path or os.environ.get(ENV_VAR)
        kept = last_good_path(site) if site else None
        if kept is not None and kept.exists():
            fix += f"; a running kiosk keeps to {kept} meanwhile (the technician menu restores it)"
        return fail(str(exc), fix)
    if config.source.endswith("default.toml"):
        return fail(
            "no site file: only the packaged defaults",
            "give --config /etc/bianmin/site.toml or set BIANMIN_CONFIG",
        )
    if config.site.code == PLACEHOLDER_CODE:
        return warn(
            f"{config.source}: still the packaged template (site code {PLACEHOLDER_CODE})",
            "fill in [site] and [[services]] (docs/install.md, step 4)",
        )
    return ok(f"{config.source}: site {config.site.code} {config.site.name}")


@check("data_dir", "the data directory is writable, has room, on a real disk")
def data_dir_check(ctx: DoctorContext):
    folder = ctx.config().data_dir
    if not folder.is_dir():
        return fail(f"{folder} does not exist", f"mkdir -m 700 {folder} && chown bianmin: {folder}")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return fail(f"{folder} is not writable: {exc.strerror}", f"chown -R bianmin: {folder}")
    free = shutil.disk_usage(folder).free
    fs = filesystem_type(folder, ctx.proc)
    more = (f"free {free // 2**20} MiB", f"file system {fs}", f"mode {_mode(folder):o}")
    if fs in VOLATILE_FS:
        return fail(f"{folder} is on {fs}: lost at every reboot", "set [site] data_dir to a disk")
    if free < MIN_FREE_BYTES:
        return fail(
            f"{folder}: only {free // 2**20} MiB free", "free disk space (old backups?)", *more
        )
    if fs in WEAK_FS:
        return warn(
            f"{folder} is on {fs}: no safe locking or fsync",
            "put the data directory on the main disk (ext4)",
            *more,
        )
    if free < LOW_FREE_BYTES:
        return warn(f"{folder}: {free // 2**20} MiB free", "free disk space soon", *more)
    if _mode(folder) & 0o077:
        return warn(
            f"{folder} is open to other users (mode {_mode(folder):o})",
            f"chmod 700 {folder}",
            *more,
        )
    return ok(f"{folder}: writable, {free // 2**30} GiB free, {fs}", *more)


@check("store", "the store passes integrity_check and its migrations are known")
def store_check(ctx: DoctorContext):
    path = ctx.store_path
    if not path.exists():
        return warn(f"{path}: no store yet", "it is made when the kiosk first starts")
    problems = backup_module.integrity(path)
    if problems != ["ok"]:
        return fail(
            f"{path}: integrity_check: {problems[0]}",
            "restore the last backup: bianmin backup list; bianmin backup restore DIR",
            *problems[:20],
        )
    applied = backup_module.applied_migrations(path)
    known = {m.name: set(backup_module.migration_names(m)) for m in MIGRATION_SETS}
    pending = sum(len(known[s] - set(applied.get(s, []))) for s in known)
    newer = [n for s, names in applied.items() for n in names if n not in known.get(s, set())]
    size = path.stat().st_size // 1024
    if newer:
        return fail(
            f"{path}: made by a newer program (migration {newer[0]})", "install that version"
        )
    if pending:
        return warn(
            f"{path}: {size} KiB, sound, {pending} migrations to apply",
            "they are applied when the kiosk next starts",
        )
    return ok(f"{path}: {size} KiB, integrity ok, migrations up to date")


@check("vault_key", "the vault key is present, sound, and readable by its owner only")
def vault_key_check(ctx: DoctorContext):
    data_dir = ctx.config().data_dir
    path = key_path(data_dir)
    if not path.exists():
        if (data_dir / ctx.store_file).exists():
            return fail(
                f"{path} is missing but the store exists: its sealed data cannot be read",
                "put the key back: bianmin key import FILE (from the backup stick)",
            )
        return warn(f"{path}: no key yet", "it is made when the kiosk first starts")
    mode = _mode(path)
    if mode & 0o077:
        return fail(f"{path} has mode {mode:o}", f"chmod 600 {path}")
    owner = path.stat().st_uid
    if owner != data_dir.stat().st_uid:
        return fail(
            f"{path} belongs to uid {owner}, the data directory to uid {data_dir.stat().st_uid}",
            f"chown bianmin: {path}",
        )
    try:
        read_key(data_dir)
    except KeyFileError as exc:
        return fail(str(exc), "put the key back: bianmin key import FILE")
    have, sealed_by = current_fingerprint(data_dir), recorded_key_id(data_dir / ctx.store_file)
    if sealed_by and sealed_by != have:
        return fail(
            f"{path} is key {have}, but the store was sealed with key {sealed_by}",
            "put back the store's key: bianmin key import FILE (from the backup stick)",
        )
    return ok(f"{path}: mode 600, key {have}")


@check("clock", "the clock is synchronised and agrees with the platform")
def clock_check(ctx: DoctorContext):
    status, out = ctx.command(["timedatectl", "show", "--property=NTPSynchronized", "--value"])
    synced = {"yes": True, "no": False}.get(out.strip()) if status == 0 else None
    sync_text = {True: "NTP synchronised", False: "not synchronised", None: "sync state unknown"}
    offset = _platform_offset(ctx)
    detail = sync_text[synced]
    if offset is not None:
        detail += f", {offset_words(offset)}"
    fix = "timedatectl set-ntp true; check that the router lets NTP (UDP 123) out"
    if offset is not None and abs(offset) >= CLOCK_FAIL_S:
        return fail(detail, "set the clock: " + fix)
    if offset is not None and abs(offset) >= CLOCK_WARN_S:
        return warn(detail, fix)
    if synced is not True and offset is None:
        return warn(detail + "; the platform is not reachable to compare", fix)
    return ok(detail)


def _platform_offset(ctx: DoctorContext) -> float | None:
    from kiosk.core.upkeep.doctor.checks_links import platform_probe

    probe = platform_probe(ctx)
    return probe.clock_offset_s if probe is not None and probe.reachable else None


@check("fonts", "Chinese and rare-character fonts for the screen and the paper")
def fonts_check(ctx: DoctorContext):
    from devices.printer.fonts import FontMissing, cjk_font_path, font_for

    try:
        main = cjk_font_path()
    except FontMissing as exc:
        return fail(str(exc), "apt-get install fonts-wqy-microhei")
    rare = font_for("\U00020000")  # 𠀀, a character of real names that WQY lacks
    if rare == main:
        return warn(
            f"{main.name} only: rare name characters (𠀀) show as boxes",
            "apt-get install fonts-hanazono",
        )
    return ok(f"{main.name}, rare characters from {rare.name}")


@check("voice", "espeak-ng speaks the Mandarin voice")
def voice_check(ctx: DoctorContext):
    from kiosk.core.voice import VoiceError, espeak_synthesiser, to_pinyin

    if not ctx.config().ui.voice:
        return ok("voice guidance is off ([ui] voice = false)")
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "test.wav"
        try:
            espeak_synthesiser()(to_pinyin("请取号"), wav)
        except VoiceError as exc:
            return fail(str(exc), "apt-get install espeak-ng")
        size = wav.stat().st_size if wav.exists() else 0
    if size < 1000:
        return fail(
            f"espeak-ng made {size} bytes of sound", "apt-get install --reinstall espeak-ng"
        )
    return ok(f"espeak-ng cmn-latn-pinyin: {size} bytes for a test sentence")


@check("audio", "a sound card and a player for the voice")
def audio_check(ctx: DoctorContext):
    from kiosk.core.voice import system_player

    if not ctx.config().ui.voice:
        return ok("voice guidance is off ([ui] voice = false)")
    cards = _sound_cards(ctx.proc)
    if not cards:
        return fail(
            "no sound card found", "plug in the speakers' USB sound card, or check HDMI audio"
        )
    if system_player() is None:
        return fail("no player (aplay, paplay, pw-play)", "apt-get install alsa-utils")
    return ok(f"{len(cards)} sound card(s): {cards[0]}", *cards)


@check("backup", "a recent backup on another disk, and the key exported beside it")
def backup_check(ctx: DoctorContext):
    config = ctx.config()
    folder = config.backup_dir
    if not folder.is_dir():
        if config.backup.dir:
            return fail(
                f"{folder} is not there", "plug in and mount the backup stick, or fix [backup] dir"
            )
        return warn(
            f"{folder}: no backup yet", "set [backup] dir to a USB stick; bianmin backup now"
        )
    backups = backup_module.Backups.for_config(config, ctx.store_path, ctx.clock)
    last = backups.last()
    if last is None:
        return warn(f"no backup in {folder} yet", "bianmin backup now")
    age = ctx.clock.now() - last.created_at
    hours = age.total_seconds() / 3600
    detail = f"last backup {hours:.0f} h ago in {folder}"
    if age > BACKUP_FAIL_AGE:
        return fail(detail, "check bianmin-backup.timer and the stick; bianmin backup now")
    if age > BACKUP_WARN_AGE:
        return warn(detail, "check bianmin-backup.timer and the stick; bianmin backup now")
    data_dir = config.data_dir if config.data_dir.exists() else config.data_dir.parent
    if os.stat(folder).st_dev == os.stat(data_dir).st_dev:
        return warn(detail + ", on the data disk (lost with it)", "set [backup] dir to a USB stick")
    wanted = current_fingerprint(config.data_dir)
    if wanted and not _key_exported(folder, wanted):
        return warn(detail + "; the vault key is not exported there", "bianmin key export")
    return ok(detail)


def _key_exported(folder: Path, fingerprint: str) -> bool:
    import json

    for path in folder.glob("*" + WRAPPED_SUFFIX):
        try:
            if json.loads(path.read_text()).get("fingerprint") == fingerprint:
                return True
        except (OSError, ValueError, AttributeError):
            continue
    return False


def filesystem_type(path: Path, proc: Path = Path("/proc")) -> str:
    """The file system type of the mount holding ``path`` (from ``mountinfo``)."""
    target = os.path.realpath(path)
    best, kind = "", "unknown"
    try:
        lines = (proc / "self" / "mountinfo").read_text().splitlines()
    except OSError:
        return kind
    for line in lines:
        left, _, right = line.partition(" - ")
        fields = left.split()
        if len(fields) < 5 or not right:
            continue
        point = fields[4].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, right.split()[0]
    return kind


def _sound_cards(proc: Path) -> list[str]:
    try:
        text = (proc / "asound" / "cards").read_text()
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if line[:3].strip().isdigit()]


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777
