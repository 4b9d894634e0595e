"""``bianmin privacy``: the personal data this device keeps, and its purge (PIPL)."""

from __future__ import annotations

import click

from kiosk.cli.common import emit_json, services
from kiosk.core.audit import shell_actor


@click.group()
def privacy() -> None:
    """Personal data on this device: retention and purge (个人信息保护)."""


@privacy.command("purge")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def purge(ctx, as_json) -> None:
    """Purge now what the kiosk purges daily: finished cases older than [privacy] retain_days
    (with their attachments), and drafts untouched as long."""
    app = services(ctx)
    purged = app.privacy.purge(shell_actor())
    if as_json:
        emit_json({"purged": purged.as_dict(), **app.privacy.totals()})
        return
    click.echo(
        f"purged {purged.cases} finished cases and {purged.drafts} abandoned drafts older than"
        f" {app.privacy.retain_days} days: {purged.attachments} attachment files,"
        f" {purged.records} answered records, {purged.print_jobs} receipts"
    )
