"""``bianmin config check [FILE]``: will this site file load? Before a restart, not after."""

from __future__ import annotations

import click

from kiosk.cli.common import ConfigFailure
from kiosk.config import ENV_VAR, Config, ConfigError, load_config


@click.group("config")
def config_group() -> None:
    """The site file (/etc/bianmin/site.toml on an installed kiosk)."""


@config_group.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.pass_context
def check(ctx: click.Context, file: str | None) -> None:
    """Load FILE (default: --config or $BIANMIN_CONFIG) as the kiosk would and say what is
    in force, or the one line that is wrong.

    Exit status 0 when it loads, 2 when it does not. Nothing is opened: no device, no
    store, no network. Values of secrets are never printed. A running kiosk takes a good
    edit in by itself and keeps to its last good configuration while the file is bad.
    """
    path = file or ctx.find_root().params.get("config_path")
    if not path:
        raise ConfigFailure(f"no site file to check: name FILE, or give --config or {ENV_VAR}")
    try:
        config = load_config(path)
    except ConfigError as exc:
        raise ConfigFailure(str(exc)) from None
    click.echo(f"ok: {path}")
    for line in summary(config):
        click.echo(f"  {line}")


def summary(config: Config) -> list[str]:
    """What a site file sets up, one line a part, no secret values."""
    site, platform, devices = config.site, config.platform, config.devices
    services = ", ".join(f"{s.prefix} {s.code}" for s in config.services)
    link = (
        f"{platform.url} as {platform.device_id}"
        if platform.url and platform.device_id and platform.device_secret
        else "not configured (no sync)"
    )
    lines = [
        f"site: {site.code} {site.name}, data in {config.data_dir}, time zone {site.timezone}",
        f"services: {services}",
        f"hours: {config.hours.open}-{config.hours.close} on days "
        + ",".join(map(str, config.hours.days)),
        f"platform: {link}",
        f"ID card reader: {_device(devices.idcard.port, devices.idcard.baud)}",
        f"printer: {devices.printer.url or 'none'} ({devices.printer.paper_mm} mm paper)",
        f"scanner: {_device(devices.scanner.port, devices.scanner.baud)}",
        f"technician PIN: {'set' if config.ui.technician_pin else 'not set'}",
    ]
    return lines


def _device(port: str, baud: int) -> str:
    if not port:
        return "none"
    return "simulated" if port.startswith("sim") else f"{port} at {baud} baud"
