"""The diagnostics bundle a technician sends to the county: what is wrong, never who.

A zip holding the doctor's report, versions, the site configuration reduced to an
allowlist of keys (every other key, secrets included, shows only ``<removed>``), recent
logs scrubbed of ID numbers, phone numbers, names and secrets, store statistics (counts
and sizes, the oldest pending record's age) and the print journal's metadata. Never the
database, the vault key, an attachment, a print job's bytes or a secret.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from kiosk.config import Config, ConfigError, load_config
from kiosk.core.cases.files import ATTACHMENT_DIR
from kiosk.core.messages import locale_dir, parse_po
from kiosk.core.upkeep.doctor import DoctorContext, run_checks
from kiosk.core.upkeep.scrub import Scrubber, han_runs
from kiosk.core.upkeep.versions import versions

# Configuration keys whose values go into the bundle; any other key shows as "<removed>".
KEPT_KEYS = frozenset(
    {
        "site.code", "site.name", "site.data_dir", "site.timezone",
        "services.code", "services.name", "services.prefix", "services.counters",
        "services.default_service_min",
        "hours.open", "hours.close", "hours.days",
        "queue.appointment_grace_min", "queue.service_time_window", "queue.counter_active_min",
        "platform.url", "platform.device_id",
        "sync.interval_s", "sync.batch_records", "sync.batch_bytes", "sync.request_timeout_s",
        "sync.backoff_base_s", "sync.backoff_max_s", "sync.breaker_failures",
        "sync.upload_workers",
        "devices.idcard.port", "devices.idcard.baud", "devices.idcard.poll_interval_s",
        "devices.printer.url", "devices.printer.paper_mm", "devices.printer.status_timeout_s",
        "devices.scanner.port", "devices.scanner.baud",
        "ui.fullscreen", "ui.kiosk_lock", "ui.width", "ui.height", "ui.large_font", "ui.voice",
        "ui.idle_s", "ui.countdown_s", "ui.language", "ui.mode",
        "sound.device", "sound.volume",
        "hall.url", "hall.listen", "hall.request_timeout_s", "hall.speaker", "hall.chime",
        "hall.voice", "hall.repeats", "hall.min_show_s", "hall.session_hours",
        "hall.pin_attempts", "hall.lockout_min",
        "agent.photo_max_px", "agent.photo_quality", "agent.idle_lock_s", "agent.pin_attempts",
        "agent.lockout_min", "agent.erase_after", "agent.due_soon_days",
        "agent.stale_draft_days", "agent.camera",
        "backup.dir", "backup.keep", "backup.at",
        "privacy.retain_days",
    }
)  # fmt: skip
REMOVED = "<removed>"
PRINT_JOB_COLUMNS = (
    "job_id", "kind", "state", "printer_url", "printer_state", "size", "error",
    "reprint_of", "created_at", "sent_at", "finished_at",
)  # fmt: skip
LOG_UNITS = ("bianmin-kiosk", "bianmin-hall", "bianmin-backup")
MAX_LOG_BYTES = 4 * 1024 * 1024


def kept_config(config: Config) -> dict[str, Any]:
    """The configuration as a nested dict with every key outside :data:`KEPT_KEYS` removed."""
    raw = dataclasses.asdict(config)
    raw.pop("source", None)
    return _keep(raw, "")


def _keep(value: Any, where: str) -> Any:
    if isinstance(value, dict):
        return {k: _keep(v, f"{where}.{k}" if where else k) for k, v in value.items()}
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [_keep(item, where) for item in value]
    return value if where in KEPT_KEYS else REMOVED


def vocabulary(config: Config | None, store: Path | None) -> set[str]:
    """The Chinese a log may hold that names no person: messages, site, services, catalogue."""
    texts: list[str] = []
    for po in sorted(locale_dir().glob("*/LC_MESSAGES/*.po")):
        texts += parse_po(po.read_text(encoding="utf-8"), str(po)).values()
    if config is not None:
        texts += [config.site.name]
        for service in config.services:
            texts += [service.name, *service.counters]
    if store is not None and store.exists():
        texts += _catalogue_texts(store)
    return han_runs(texts)


def _catalogue_texts(store: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT name FROM catalogue_item")]
    except sqlite3.Error:
        return []
    finally:
        conn.close()


def store_statistics(store: Path, data_dir: Path) -> dict[str, Any]:
    """Counts, sizes and ages from the store (read-only), and the attachments' totals."""
    if not store.exists():
        return {"store": "absent"}
    stats: dict[str, Any] = {"file_bytes": store.stat().st_size}
    wal = store.with_name(store.name + "-wal")
    stats["wal_bytes"] = wal.stat().st_size if wal.exists() else 0
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        for pragma in ("page_size", "page_count", "freelist_count"):
            stats[pragma] = conn.execute(f"PRAGMA {pragma}").fetchone()[0]
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        stats["rows"] = {
            t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables
        }
        if "outbox" in tables:
            stats["outbox"] = dict(
                conn.execute("SELECT state, count(*) FROM outbox GROUP BY state")
            )
            stats["oldest_pending_at"] = conn.execute(
                "SELECT min(created_at) FROM outbox WHERE state = 'pending'"
            ).fetchone()[0]
    finally:
        conn.close()
    folder = data_dir / ATTACHMENT_DIR
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    stats["attachments"] = {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}
    return stats


def print_jobs(store: Path, limit: int = 200) -> list[dict[str, Any]]:
    """The latest print jobs' metadata (never their bytes)."""
    if not store.exists():
        return []
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(
            f"SELECT {', '.join(PRINT_JOB_COLUMNS)} FROM print_job ORDER BY job_id DESC LIMIT ?",
            (limit,),
        ).fetchall()
    except sqlite3.Error:
        return []
    finally:
        conn.close()
    return [dict(row) for row in rows]


def journal_logs(
    command: Callable[[Sequence[str]], tuple[int, str]], since: str = "-3 days"
) -> str:
    """The bianmin units' recent journal (empty when there is no journal)."""
    argv = ["journalctl", "--no-pager", "-o", "short-iso", "--since", since]
    for unit in LOG_UNITS:
        argv += ["-u", unit]
    status, out = command(argv)
    return out if status == 0 else ""


def write_bundle(
    out: Path,
    doctor: DoctorContext,
    log_files: Iterable[Path] = (),
    since: str = "-3 days",
) -> list[str]:
    """Write the bundle to ``out`` (mode 0600); the names of its members."""
    try:
        config: Config | None = load_config(doctor.config_path)
        config_part: Any = kept_config(config)
    except ConfigError as exc:
        config, config_part = None, {"error": _without_values(str(exc))}
    store = config.data_dir / doctor.store_file if config else None
    scrub = Scrubber(vocabulary(config, store))
    logs = journal_logs(doctor.command, since)
    for path in log_files:
        try:
            logs += f"\n==> {path} <==\n" + Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            logs += f"\n==> {path}: {exc.strerror} <==\n"
    logs = logs[-MAX_LOG_BYTES:]
    report = run_checks(doctor).as_dict()
    for item in report["checks"]:
        if item["name"] == "config":  # a config error line quotes the value, maybe a secret
            item["detail"] = _without_values(item["detail"])
    members = {
        "README.txt": README,
        "doctor.json": _json(report),
        "versions.json": _json(versions()),
        "config.json": _json(config_part),
        "store.json": _json(store_statistics(store, config.data_dir) if config else {}),
        "print_jobs.json": _json(print_jobs(store) if store else []),
        "logs.txt": logs,
    }
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in members.items():
            bundle.writestr(name, scrub(text) if name != "README.txt" else text)
    return list(members)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n"


def _without_values(line: str) -> str:
    """A config error line without the value it quotes (it may be a secret)."""
    head, sep, _rest = line.partition(" = ")
    if not sep:
        return line
    _value, sep2, allowed = _rest.partition("; allowed")
    return f"{head} = {REMOVED}{sep2}{allowed}" if sep2 else f"{head} = {REMOVED}"


README = """bianmin diagnostics bundle

doctor.json      the doctor's checks (bianmin doctor --json)
versions.json    program, Python, SQLite, OS and library versions
config.json      the site configuration; keys outside an allowlist show <removed>
store.json       store statistics: rows per table, sizes, oldest pending record
print_jobs.json  the print journal's metadata (no printed content)
logs.txt         recent logs of the bianmin units

ID numbers, phone numbers, names and long hex strings are masked everywhere.
No database, key, attachment or secret is in this bundle.
"""
