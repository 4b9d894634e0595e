"""``bianmin alerts``: what the kiosk raised for staff (a villager pressed 找工作人员, the
printer cannot print), and clearing one once it is seen to."""

from __future__ import annotations

from dataclasses import asdict

import click

from kiosk.cli.common import Failure, emit_json, services
from kiosk.core.staff_alerts import KINDS


@click.group("alerts", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def alerts(ctx: click.Context, as_json: bool) -> None:
    """List the open staff alerts (also in bianmin status and bianmin doctor)."""
    if ctx.invoked_subcommand is not None:
        return
    raised = services(ctx).alerts.raised()
    if as_json:
        emit_json([asdict(a) for a in raised])
        return
    for alert in raised:
        click.echo(alert.describe())
    if not raised:
        click.echo("no open alerts")


@alerts.command("clear")
@click.argument("kind", type=click.Choice(KINDS))
@click.pass_context
def clear(ctx: click.Context, kind: str) -> None:
    """Clear the alert KIND once it is seen to."""
    if not services(ctx).alerts.clear(kind):
        raise Failure(f"no {kind} alert is open")
    click.echo(f"cleared {kind}")
