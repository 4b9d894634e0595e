"""Checks of the links: the platform, the sync backlog, the hall server."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from kiosk.core.local_time import local_text
from kiosk.core.upkeep.doctor.report import DoctorContext, check, fail, ok, warn
from kiosk.core.upkeep.platform_link import LinkProbe, probe_link

BACKLOG_WARN_AGE = timedelta(hours=24)
BACKLOG_FAIL_AGE = timedelta(days=7)


def platform_probe(ctx: DoctorContext) -> LinkProbe | None:
    """The platform's answer to a ping and a signed request, asked once per doctor run;
    None when the link is not configured."""
    settings = ctx.config().platform
    if not (settings.url and settings.device_id and settings.device_secret):
        return None
    return ctx.once(
        "platform",
        lambda: probe_link(
            settings.url, settings.device_id, settings.device_secret, ctx.clock, ctx.timeout_s
        ),
    )


@check("platform", "the platform is reachable and accepts this device's signature")
def platform_check(ctx: DoctorContext):
    probe = platform_probe(ctx)
    if probe is None:
        return warn(
            "the platform link is not configured ([platform] url, device_id, device_secret)",
            "enter what the county issued at enrolment (docs/install.md)",
        )
    if probe.accepted:
        return ok(f"{ctx.config().platform.url}: {probe.words} ({probe.elapsed_ms:.0f} ms)")
    return fail(f"{probe.words}: {probe.detail}", probe.fix)


@check("sync", "records reach the platform: backlog, dead letters, last push and pull")
def sync_check(ctx: DoctorContext):
    from offline_sync.sync import read_status

    path = ctx.store_path
    if not path.exists():
        return ok("no store yet: nothing to send")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        status = read_status(conn)
        oldest = conn.execute(
            "SELECT min(created_at) FROM outbox WHERE state = 'pending'"
        ).fetchone()[0]
    finally:
        conn.close()
    now = ctx.clock.now()
    zone = ctx.config().site.timezone
    more = (
        f"pending {status.pending_records} records, {status.pending_attachments} attachments",
        f"last push {local_text(status.last_push_at, zone)},"
        f" last pull {local_text(status.last_pull_at, zone)}",
        f"link {status.link_state}" + (f": {status.last_error}" if status.last_error else ""),
    )
    if status.dead_letters:
        return fail(
            f"{status.dead_letters} record(s) the platform refused (dead letters)",
            "bianmin sync dead-letters; settle each with the county",
            *more,
        )
    age = now - _parse(oldest) if oldest else None
    detail = f"{status.pending_records} pending" + (
        f", oldest {_hours(age)} old" if age is not None else ""
    )
    detail += (
        f"; last push {_ago(now, status.last_push_at)}, last pull {_ago(now, status.last_pull_at)}"
    )
    if age is not None and age > BACKLOG_FAIL_AGE:
        return fail(
            detail, "records are not leaving: check the platform check and bianmin status", *more
        )
    if age is not None and age > BACKLOG_WARN_AGE:
        return warn(detail, "the link has been down a while: check the platform check", *more)
    return ok(detail, *more)


@check("hall", "the hall server answers and accepts this box's key (hall clients)")
def hall_check(ctx: DoctorContext):
    from kiosk.core.upkeep.setup.hall import ask_hall

    config = ctx.config()
    hall = config.hall
    if not hall.url:
        return ok("no hall server configured: this kiosk keeps its own queue or is the server")
    refused = ask_hall(config, hall.url, hall.key, ctx.clock)
    if refused is None:
        return ok(f"{hall.url}: answers and accepts this box's key")
    if refused.key == "setup.hall.refused":
        return fail(
            refused.detail,
            "set [hall] key to the hall server's key (its site file); check the clock of both",
        )
    return fail(
        refused.detail,
        "check the hall's network and that the hall server is on (systemctl status bianmin-hall)",
    )


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _hours(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"


def _ago(now: datetime, text: str | None) -> str:
    return f"{_hours(now - _parse(text))} ago" if text else "never"
