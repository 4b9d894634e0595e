"""``bianmin backup``: online backups of the store and attachments, listed and restored."""

from __future__ import annotations

import click

from kiosk.cli.common import Failure, audit, emit_json, load_config
from kiosk.core.local_time import local_text
from kiosk.core.upkeep.backup import Backups
from kiosk.core.upkeep.errors import UpkeepError
from offline_sync.clock import SystemClock


def _backups(ctx: click.Context) -> Backups:
    from kiosk.app import STORE_FILE

    config = load_config(ctx)
    return Backups.for_config(config, config.data_dir / STORE_FILE, SystemClock())


@click.group()
def backup() -> None:
    """Backups (备份) of the store and attachments to [backup] dir (the key: bianmin key export)."""


@backup.command()
@click.option("--if-due", is_flag=True, help="Only when tonight's backup is not made yet (timer).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def now(ctx: click.Context, if_due: bool, as_json: bool) -> None:
    """Back up now, online (the kiosk may keep running); the oldest beyond [backup] keep go."""
    backups = _backups(ctx)
    try:
        info = backups.run_if_due() if if_due else backups.run()
    except UpkeepError as exc:
        raise Failure(str(exc)) from None
    if info is not None:
        audit(ctx, "backup.run", {"path": str(info.path)})
    if as_json:
        emit_json(info.as_dict() if info else None)
    elif info is None:
        click.echo(f"not due: the last backup is {backups.last().path}")
    else:
        click.echo(
            f"backed up to {info.path} ({info.store_bytes} bytes of store, "
            f"{info.attachments} attachments)"
        )


@backup.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_command(ctx: click.Context, as_json: bool) -> None:
    """The backups in [backup] dir, oldest first."""
    backups = _backups(ctx)
    found = backups.list()
    if as_json:
        emit_json([info.as_dict() for info in found])
        return
    if not found:
        click.echo(f"no backups in {backups.dir}")
    for info in found:
        when = local_text(info.created_at, backups.zone)
        click.echo(
            f"{info.path}  {when}  {info.label:<11} {info.store_bytes:>10} bytes  "
            f"{info.attachments} attachments"
        )


@backup.command()
@click.argument("path", type=click.Path(exists=True))
@click.pass_context
def check(ctx: click.Context, path: str) -> None:
    """Check a backup as a restore would (integrity, migrations, key), changing nothing."""
    try:
        info = _backups(ctx).check(path)
    except UpkeepError as exc:
        raise Failure(str(exc)) from None
    click.echo(f"{info.path}: sound, restorable here")


@backup.command()
@click.argument("path", type=click.Path(exists=True))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def restore(ctx: click.Context, path: str, yes: bool) -> None:
    """Replace the store with the backup at PATH, once it is checked (stop the kiosk first).

    The store as it was is kept as a backup labelled pre-restore.
    """
    backups = _backups(ctx)
    try:
        info = backups.check(path)
        if not yes:
            click.confirm(
                f"replace {backups.store_path} with the backup of "
                f"{local_text(info.created_at, backups.zone, seconds=False)}?",
                abort=True,
            )
        report = backups.restore(path)
    except UpkeepError as exc:
        raise Failure(str(exc)) from None
    kept = f"; the store before is kept in {report.safety_copy}" if report.safety_copy else ""
    click.echo(
        f"restored from {report.restored_from} ({report.attachments_copied} attachments "
        f"copied){kept}"
    )
    audit(ctx, "backup.restore", {"from": str(report.restored_from)})
