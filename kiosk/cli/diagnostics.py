"""``bianmin diagnostics``: a bundle for the county, with no personal data and no secret."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from kiosk.cli.common import audit
from kiosk.cli.doctor import doctor_context


@click.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The zip to write (default: bianmin-diagnostics-<time>.zip here).",
)
@click.option(
    "--since", default="-3 days", show_default=True, help="Journal logs since (journalctl)."
)
@click.option(
    "--log",
    "logs",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Also add this log file (scrubbed); repeatable.",
)
@click.pass_context
def diagnostics(ctx: click.Context, out: Path | None, since: str, logs: tuple[Path, ...]) -> None:
    """Write a diagnostics bundle: the doctor's report, versions, the configuration with
    secrets removed, scrubbed logs, store statistics and the print journal's metadata.

    ID numbers, phone numbers and names are masked; the database, the key, attachments
    and secrets are never in it.
    """
    from kiosk.core.upkeep.diagnostics import write_bundle

    out = out or Path(f"bianmin-diagnostics-{datetime.now():%Y%m%d-%H%M%S}.zip")
    try:
        members = write_bundle(out, doctor_context(ctx), logs, since)
    except OSError as exc:
        raise click.ClickException(f"{out}: cannot write: {exc.strerror}") from None
    click.echo(f"wrote {out}: {', '.join(members)}")
    audit(ctx, "diagnostics.export", {"path": str(out)})
