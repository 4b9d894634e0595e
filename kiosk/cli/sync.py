"""``bianmin sync`` and ``bianmin status``: deliver the outbox, pull the platform's changes."""

from __future__ import annotations

import logging
import signal
from dataclasses import asdict

import click

from kiosk.cli.common import (
    Failure,
    emit_json,
    load_config,
    load_running_config,
    logs_to_stderr,
    services,
)
from kiosk.core.local_time import CLOCK_WARN_S, local_text, offset_words
from offline_sync.sync import (
    SyncBusy,
    SyncHolder,
    SyncLock,
    SyncNotConfigured,
    SyncReport,
    SyncStatus,
)

DEFAULT_DEADLINE_S = 600.0
EXIT_BUSY = 75  # EX_TEMPFAIL: another sync holds the store; try again later


class Busy(Failure):
    """Another process runs sync on this store (exit status 75)."""

    exit_code = EXIT_BUSY


@click.group(invoke_without_command=True)
@click.option(
    "--once", is_flag=True, help="Push and pull until nothing is pending or the deadline."
)
@click.option("--forever", is_flag=True, help="Run the background loop (for a systemd unit).")
@click.option(
    "--deadline",
    type=click.FloatRange(min=0.1),
    default=None,
    help=f"Seconds --once may take (default {DEFAULT_DEADLINE_S:g}).",
)
@click.option("--json", "as_json", is_flag=True, help="With --once: print the report as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="With --once: log every try to stderr.")
@click.option("--now", is_flag=True, help="With --once: do not wait out earlier failures.")
@click.option(
    "--wait", is_flag=True, help="When another sync runs on this store, wait for it to end."
)
@click.pass_context
def sync(ctx, once, forever, deadline, as_json, verbose, now, wait) -> None:
    """Deliver queued records to the platform and pull its changes (同步).

    One store has one sync: while another process runs it (the kiosk, a sync --forever
    unit, another shell), this one says which and since when, and exits with status 75,
    or waits for it with --wait.

    Exit status of --once: 0 when nothing deliverable is left, 1 otherwise.
    """
    if ctx.invoked_subcommand is not None:
        if once or forever or deadline is not None or now or wait:
            raise click.UsageError(
                "--once, --forever, --deadline, --now and --wait go without a subcommand"
            )
        return
    if once == forever:
        raise click.UsageError("give exactly one of --once and --forever")
    if (deadline is not None or now) and not once:
        raise click.UsageError("--deadline and --now go with --once")
    if once:
        with logs_to_stderr("", level=logging.INFO if verbose else None):
            _once(ctx, deadline or DEFAULT_DEADLINE_S, as_json, now, wait)
    else:
        with logs_to_stderr(""):
            _forever(ctx, wait)


def _claim(ctx: click.Context, lock: SyncLock, wait: bool) -> None:
    """Take the store's sync lock (or Busy naming the process that holds it)."""
    app = services(ctx)
    if wait and (holder := app.sync.holder()):
        click.echo(f"sync: waiting for {_holder_text(holder, app.config.site.timezone)}", err=True)
    try:
        lock.acquire(wait=wait)
    except SyncBusy as exc:
        raise Busy(
            f"another sync runs on this store: {_holder_text(exc.holder, app.config.site.timezone)};"
            " it delivers the outbox itself (see `bianmin status`). Stop it first, or give --wait"
            " to wait for it to end."
        ) from None
    ctx.call_on_close(lock.release)


def _holder_text(holder: SyncHolder | None, zone: str) -> str:
    if holder is None:
        return "a process that has not said who it is yet"
    return f"pid {holder.pid} ({holder.what}) since {local_text(holder.since, zone)}"


def _once(ctx: click.Context, deadline_s: float, as_json: bool, now: bool, wait: bool) -> None:
    app = services(ctx)
    try:
        engine = app.sync.engine(app.store)
    except SyncNotConfigured as exc:
        raise Failure(f"{app.config.source}: {exc}") from None
    lock = app.sync.lock()
    _claim(ctx, lock, wait)
    if now:
        engine.retry_now()
    before = engine.status()
    if not as_json:
        click.echo(
            f"sync: {before.pending_records} records and {before.pending_attachments} attachments"
            f" pending; platform {app.config.platform.url}"
        )
    try:
        report = engine.run_once(deadline_s)
    finally:
        engine.close()
        lock.release()
    status = engine.status()
    if as_json:
        emit_json(_report_json(report, status))
    else:
        click.echo(_report_text(report, status))
    if not report.complete:
        left = (
            f"{status.pending_records} records and {status.pending_attachments} attachments pending"
        )
        last = status.last_error or (report.errors[-1] if report.errors else None)
        why = f"; last error: {last}" if last else ""
        raise Failure(f"sync not finished within {deadline_s:g} s: {left}{why}")


def _forever(ctx: click.Context, wait: bool) -> None:
    app = services(ctx)
    lock = app.sync.lock()
    try:
        worker = app.sync.worker(lock)
    except SyncNotConfigured as exc:
        raise Failure(f"{app.config.source}: {exc}") from None
    _claim(ctx, lock, wait)

    def stop(_signum, _frame) -> None:
        worker.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"sync: running against {app.config.platform.url}; SIGTERM or Ctrl-C stops")
    worker.run()


def _report_json(report: SyncReport, status: SyncStatus) -> dict:
    return {
        "complete": report.complete,
        "delivered": report.delivered,
        "duplicates": report.duplicates,
        "dead": report.dead,
        "batches": report.batches,
        "attachments_uploaded": report.attachments_uploaded,
        "attachment_bytes": report.attachment_bytes,
        "changes_applied": report.changes_applied,
        "changes_ignored": report.changes_ignored,
        "changes_rejected": report.changes_rejected,
        "cursor_resets": report.cursor_resets,
        "failures": report.failures,
        "errors": report.errors,
        "status": status.as_dict(),
    }


def _report_text(report: SyncReport, status: SyncStatus) -> str:
    lines = [
        f"pushed: {report.delivered} records delivered ({report.duplicates} already held),"
        f" {report.dead} refused, {report.attachments_uploaded} attachments"
        f" ({report.attachment_bytes // 1024} KiB) in {report.batches} batches",
        f"pulled: {report.changes_applied} changes applied, {report.changes_rejected} rejected,"
        f" {report.changes_ignored} without an applier",
    ]
    if report.failures:  # the error itself: in the one stderr line when sync did not finish
        last = f" (last: {report.errors[-1]})" if report.complete else ""
        lines.append(f"failed tries: {report.failures}{last}")
    lines.append(
        f"left: {status.pending_records} records, {status.pending_attachments} attachments;"
        f" dead letters: {status.dead_letters}; link: {status.link_state}"
    )
    return "\n".join(lines)


@sync.command("dead-letters")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list.")
@click.pass_context
def dead_letters_command(ctx, as_json) -> None:
    """Records the platform refused (conflict, invalid) or that cannot be sent, for staff."""
    app = services(ctx)
    letters = app.sync.dead_letters()
    zone = app.config.site.timezone
    if as_json:
        emit_json([letter.__dict__ for letter in letters])
        return
    if not letters:
        click.echo("no dead letters")
        return
    for letter in letters:
        click.echo(
            f"#{letter.seq} {letter.kind} {letter.record_id} rev {letter.revision}"
            f" (queued {local_text(letter.created_at, zone)}, answered {letter.attempts}x):"
            f" {letter.error}"
        )


@sync.command("rejected-changes")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list.")
@click.pass_context
def rejected_changes_command(ctx, as_json) -> None:
    """Changes pulled from the platform that could not be applied here."""
    app = services(ctx)
    changes = app.sync.rejected_changes()
    zone = app.config.site.timezone
    if as_json:
        emit_json([change.__dict__ for change in changes])
        return
    if not changes:
        click.echo("no rejected changes")
        return
    for change in changes:
        click.echo(
            f"{change.type} #{change.seq} (at {local_text(change.at, zone)}): {change.error}"
        )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def status(ctx, as_json) -> None:
    """Sync status: pending records and attachments, dead letters, last push and pull, link,
    the clock against the platform's, which process runs sync, what the privacy purge
    removed, and the staff alerts the kiosk raised (help wanted, printer faults); first,
    when the site file does not load, its error (a kiosk keeps to the last good one)."""
    problem = load_running_config(ctx)
    app = services(ctx)
    snapshot = app.sync.status()
    holder = app.sync.holder()
    privacy = app.privacy.totals()
    alerts = app.alerts.raised()
    if as_json:
        emit_json(
            {
                **snapshot.as_dict(),
                "sync_holder": holder.__dict__ if holder else None,
                "privacy": privacy,
                "config_problem": problem or None,
                "staff_alerts": [asdict(a) for a in alerts],
            }
        )
        return
    if problem:
        from kiosk.core.upkeep.site_watch import last_good_path

        kept = last_good_path(load_config(ctx).source)
        click.echo(f"{'config problem:':22}{problem}")
        click.echo(f"{'running on:':22}{kept} (the last configuration the kiosk accepted)")
    zone = app.config.site.timezone
    rows = [
        ("pending records", snapshot.pending_records),
        ("pending attachments", snapshot.pending_attachments),
        ("dead letters", snapshot.dead_letters),
        ("delivered records", snapshot.delivered_records),
        ("rejected changes", snapshot.rejected_changes),
        ("last push", local_text(snapshot.last_push_at, zone)),
        ("last pull", local_text(snapshot.last_pull_at, zone)),
        ("link", snapshot.link_state),
        ("clock", _clock_text(snapshot, zone)),
        ("sync running", _holder_text(holder, zone) if holder else "no"),
    ]
    if snapshot.last_error:
        at = local_text(snapshot.last_error_at, zone)
        rows.append(("last error", f"{snapshot.last_error} (at {at})"))
        rows.append(("next try", local_text(snapshot.next_attempt_at, zone, never="now")))
    purged = privacy["purged"]
    rows.append(
        (
            "purged (PIPL)",
            f"{purged['cases']} cases, {purged['drafts']} drafts, {purged['attachments']} files"
            f" after {privacy['retain_days']} days"
            f" (last {local_text(privacy['last_purge_at'], zone)})",
        )
    )
    rows.append(("staff alerts", "; ".join(a.describe() for a in alerts) or "none"))
    for label, value in rows:
        click.echo(f"{label + ':':22}{value}")


def _clock_text(snapshot: SyncStatus, zone: str) -> str:
    """This device's clock against the platform's, as last measured by sync."""
    offset = snapshot.clock_offset_s
    if offset is None:
        return "not compared with the platform yet (each successful sync measures it)"
    text = f"{offset_words(offset)} (measured {local_text(snapshot.clock_offset_at, zone)})"
    if abs(offset) >= CLOCK_WARN_S:
        text += "; tickets and receipts show the wrong time: set the clock (NTP)"
    return text
