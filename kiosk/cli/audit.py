"""``bianmin audit``: the device's audit log, for technicians and reviewers."""

from __future__ import annotations

import click

from kiosk.cli.common import Failure, emit_json, load_config, services
from kiosk.core.local_time import local_text


@click.group()
def audit() -> None:
    """The audit log: who did what on this device (审计日志)."""


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def verify(ctx, as_json) -> None:
    """Check the chain of SM3 hashes: exit 1 if an entry was removed or changed."""
    verdict = services(ctx).audit.verify()
    if as_json:
        emit_json({"ok": verdict.ok, "entries": verdict.entries, "problems": verdict.problems})
    else:
        click.echo(f"audit log: {verdict.entries} entries")
        for problem in verdict.problems:
            click.echo(f"  {problem}")
    if not verdict.ok:
        raise Failure(f"the audit log was tampered with: {len(verdict.problems)} problems")


@audit.command("list")
@click.option("--since", type=click.IntRange(min=0), default=0, help="After this entry number.")
@click.option("--limit", type=click.IntRange(1, 100000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array.")
@click.pass_context
def list_entries(ctx, since, limit, as_json) -> None:
    """Entries, oldest first: number, time, actor, action, detail."""
    entries = services(ctx).audit.entries(since, limit)
    if as_json:
        emit_json([{"entry_id": e.entry_id, **e.body()} for e in entries])
        return
    if not entries:
        click.echo("no audit entries")
    zone = load_config(ctx).site.timezone
    for e in entries:
        detail = " ".join(f"{k}={v}" for k, v in sorted(e.detail.items()))
        at = local_text(e.at, zone)
        click.echo(f"#{e.seq:<5} {at}  {e.actor:<16} {e.action:<24} {detail}".rstrip())
