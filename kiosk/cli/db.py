"""``bianmin db``: the local store, for technicians."""

from __future__ import annotations

import click

from kiosk.cli.common import Failure, emit_json, load_config
from kiosk.core.schema import MIGRATION_SETS


@click.group()
def db() -> None:
    """The local store."""


@db.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def check(ctx, as_json) -> None:
    """Run integrity_check and report the migration state; exit 1 if anything is wrong."""
    from kiosk.app import open_store
    from offline_sync.store import StoreError

    config = load_config(ctx)
    try:
        store = open_store(config)
    except StoreError as exc:
        raise Failure(str(exc)) from None
    try:
        integrity = store.integrity_check()
        migrations = store.migration_state(MIGRATION_SETS)
    finally:
        store.close()
    ok = integrity == ["ok"] and not any(m["pending"] for m in migrations)
    if as_json:
        emit_json(
            {"path": str(store.path), "integrity": integrity, "migrations": migrations, "ok": ok}
        )
    else:
        click.echo(f"store: {store.path}")
        click.echo(f"integrity_check: {'; '.join(integrity)}")
        for m in migrations:
            click.echo(
                f"migrations {m['set']}: {len(m['applied'])} applied, {len(m['pending'])} pending"
            )
    if not ok:
        why = "the file is damaged; restore it from a backup" if integrity != ["ok"] else ""
        raise Failure(f"{store.path}: store check failed" + (f": {why}" if why else ""))
