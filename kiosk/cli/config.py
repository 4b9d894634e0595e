"""``bianmin config check [FILE]``: does a site file load, as the kiosk would load it?"""

from __future__ import annotations

import click

from kiosk.cli.common import ConfigFailure
from kiosk.config import ENV_VAR, ConfigError, load_config


@click.group("config")
def config() -> None:
    """The site file."""


@config.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.pass_context
def check(ctx: click.Context, file: str | None) -> None:
    """Load FILE (default: --config, then $BIANMIN_CONFIG) as the kiosk would.

    Exit 0 and one line naming the site when it loads; exit 2 and the one-line error
    (file, key, what is allowed; never a secret's value) when it does not. A running
    kiosk takes a good edit in by itself and keeps to its last good configuration
    while the file is bad.
    """
    from kiosk.core.upkeep.site_watch import config_problem

    path = file or ctx.find_root().params.get("config_path")
    if not path:
        raise ConfigFailure(f"no site file to check: name FILE, or give --config or {ENV_VAR}")
    try:
        loaded = load_config(path)
    except ConfigError as exc:
        raise ConfigFailure(config_problem(exc)) from None
    click.echo(
        f"{path}: ok: site {loaded.site.code} {loaded.site.name}, {len(loaded.services)} services"
    )
