"""``bianmin sync`` and ``bianmin status``: deliver the outbox, pull the platform's changes."""

from __future__ import annotations

import logging
import signal
from dataclasses import asdict

import click

from kiosk.cli.common import Failure, emit_json, logs_to_stderr, services
from offline_sync.sync import SyncNotConfigured, SyncReport, SyncStatus

DEFAULT_DEADLINE_S = 600.0


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
@click.pass_context
def sync(ctx, once, forever, deadline, as_json, verbose, now) -> None:
    """Deliver queued records to the platform and pull its changes (同步).

    Exit status of --once: 0 when nothing deliverable is left, 1 otherwise.
    """
    if ctx.invoked_subcommand is not None:
        if once or forever or deadline is not None or now:
            raise click.UsageError(
                "--once, --forever, --deadline and --now go without a subcommand"
            )
        return
    if once == forever:
        raise click.UsageError("give exactly one of --once and --forever")
    if (deadline is not None or now) and not once:
        raise click.UsageError("--deadline and --now go with --once")
    if once:
        with logs_to_stderr("offline_sync", level=logging.INFO if verbose else None):
            _once(ctx, deadline or DEFAULT_DEADLINE_S, as_json, now)
    else:
        with logs_to_stderr("offline_sync"):
            _forever(ctx)


def _once(ctx: click.Context, deadline_s: float, as_json: bool, now: bool) -> None:
    app = services(ctx)
    try:
        engine = app.sync.engine(app.store)
    except SyncNotConfigured as exc:
        raise Failure(f"{app.config.source}: {exc}") from None
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


def _forever(ctx: click.Context) -> None:
    app = services(ctx)
    try:
        worker = app.sync.worker()
    except SyncNotConfigured as exc:
        raise Failure(f"{app.config.source}: {exc}") from None

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
    if report.failures:
        lines.append(f"failed tries: {report.failures} (last: {report.errors[-1]})")
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
    letters = services(ctx).sync.dead_letters()
    if as_json:
        emit_json([letter.__dict__ for letter in letters])
        return
    if not letters:
        click.echo("no dead letters")
        return
    for letter in letters:
        click.echo(
            f"#{letter.seq} {letter.kind} {letter.record_id} rev {letter.revision}"
            f" (queued {letter.created_at}, answered {letter.attempts}x): {letter.error}"
        )


@sync.command("rejected-changes")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list.")
@click.pass_context
def rejected_changes_command(ctx, as_json) -> None:
    """Changes pulled from the platform that could not be applied here."""
    changes = services(ctx).sync.rejected_changes()
    if as_json:
        emit_json([change.__dict__ for change in changes])
        return
    if not changes:
        click.echo("no rejected changes")
        return
    for change in changes:
        click.echo(f"{change.type} #{change.seq} (at {change.at}): {change.error}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def status(ctx, as_json) -> None:
    """Sync status: pending records and attachments, dead letters, last push and pull, link;
    what the privacy purge removed; the staff alerts the kiosk raised (help wanted, printer
    faults)."""
    app = services(ctx)
    snapshot = app.sync.status()
    privacy = app.privacy.totals()
    alerts = app.alerts.raised()
    if as_json:
        emit_json(
            {
                **snapshot.as_dict(),
                "privacy": privacy,
                "staff_alerts": [asdict(a) for a in alerts],
            }
        )
        return
    rows = [
        ("pending records", snapshot.pending_records),
        ("pending attachments", snapshot.pending_attachments),
        ("dead letters", snapshot.dead_letters),
        ("delivered records", snapshot.delivered_records),
        ("rejected changes", snapshot.rejected_changes),
        ("last push", snapshot.last_push_at or "never"),
        ("last pull", snapshot.last_pull_at or "never"),
        ("link", snapshot.link_state),
    ]
    if snapshot.last_error:
        rows.append(("last error", f"{snapshot.last_error} (at {snapshot.last_error_at})"))
        rows.append(("next try", snapshot.next_attempt_at or "now"))
    purged = privacy["purged"]
    rows.append(
        (
            "purged (PIPL)",
            f"{purged['cases']} cases, {purged['drafts']} drafts, {purged['attachments']} files"
            f" after {privacy['retain_days']} days (last {privacy['last_purge_at'] or 'never'})",
        )
    )
    rows.append(("staff alerts", "; ".join(a.describe() for a in alerts) or "none"))
    for label, value in rows:
        click.echo(f"{label + ':':22}{value}")
