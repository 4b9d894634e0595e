"""``bianmin key``: the vault key out to a backup stick and back, wrapped under a passphrase."""

from __future__ import annotations

import os
from pathlib import Path

import click

from kiosk.cli.common import Failure, audit, load_config
from kiosk.core.upkeep.errors import UpkeepError
from kiosk.core.upkeep.keys import WRAPPED_SUFFIX, export_key, import_key

PASSPHRASE_ENV = "BIANMIN_KEY_PASSPHRASE"


def _passphrase(confirm: bool) -> str:
    given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        return given
    return click.prompt("passphrase", hide_input=True, confirmation_prompt=confirm)


@click.group()
def key() -> None:
    """The vault key (密钥) that seals personal data in the store.

    A store is readable only with its key: export the key once to the backup stick,
    wrapped under a passphrase you keep apart from the stick.
    """


@key.command("export")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help=f"File or folder to write (default: [backup] dir); a folder gets <site>{WRAPPED_SUFFIX}.",
)
@click.pass_context
def export_command(ctx: click.Context, out: Path | None) -> None:
    """Write the key wrapped under a passphrase (asked twice, or $BIANMIN_KEY_PASSPHRASE)."""
    config = load_config(ctx)
    target = out or config.backup_dir
    if target.is_dir() or out is None:
        target = target / f"{config.site.code}{WRAPPED_SUFFIX}"
    try:
        data = export_key(config.data_dir, _passphrase(confirm=True))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except UpkeepError as exc:
        raise Failure(str(exc)) from None
    except OSError as exc:
        raise Failure(f"{target}: cannot write: {exc.strerror}") from None
    audit(ctx, "key.export", {"to": str(target)})
    click.echo(f"key written to {target}; keep the passphrase apart from it")


@key.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace a different key in place (kept aside).")
@click.pass_context
def import_command(ctx: click.Context, path: Path, replace: bool) -> None:
    """Put the key from a file of `bianmin key export` in place (before a restore)."""
    config = load_config(ctx)
    try:
        result = import_key(config.data_dir, path.read_bytes(), _passphrase(False), replace)
    except UpkeepError as exc:
        raise Failure(str(exc)) from None
    if not result.changed:
        click.echo(f"key {result.fingerprint} is already in place")
        return
    kept = f"; the key it replaced is kept in {result.replaced}" if result.replaced else ""
    click.echo(f"key {result.fingerprint} imported{kept}")
    audit(ctx, "key.import", {"key": result.fingerprint, "replaced": bool(result.replaced)})
