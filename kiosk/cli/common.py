"""Shared CLI plumbing: the --config option, config loading and error exits."""

from __future__ import annotations

import click

from kiosk.config import Config, ConfigError
from kiosk.config import load_config as _load


class Failure(click.ClickException):
    """A command failed for a reason other than usage (exit status 1)."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"bianmin: {self.format_message()}", err=True)


class ConfigFailure(click.ClickException):
    """The configuration is unusable (exit status 2)."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"bianmin: config: {self.format_message()}", err=True)


def load_config(ctx: click.Context) -> Config:
    """The validated configuration for this invocation, loaded once."""
    root = ctx.find_root()
    root.ensure_object(dict)
    if "config" not in root.obj:
        try:
            root.obj["config"] = _load(root.params.get("config_path"))
        except ConfigError as exc:
            raise ConfigFailure(str(exc)) from None
    return root.obj["config"]


def load_running_config(ctx: click.Context) -> str:
    """Load the configuration a kiosk runs on: the site file, or while it does not load,
    its last good copy (``site.toml.last-good``). Returns the site file's error line
    ("" when it loads); later :func:`load_config` and :func:`services` use what was loaded.
    """
    from kiosk.core.upkeep.site_watch import load_running_config as load_running

    root = ctx.find_root()
    root.ensure_object(dict)
    path = root.params.get("config_path")
    if "config" in root.obj or not path:
        load_config(ctx)
        return ""
    try:
        state = load_running(path)
    except ConfigError as exc:
        raise ConfigFailure(str(exc)) from None
    root.obj["config"] = state.config
    return state.problem


def services(ctx: click.Context):
    """The composition root's services for this invocation, built once, closed at exit."""
    from kiosk.app import build_app
    from offline_sync.store import StoreError
    from offline_sync.vault import VaultError

    root = ctx.find_root()
    root.ensure_object(dict)
    if "services" not in root.obj:
        config = load_config(ctx)
        try:
            built = build_app(config)
        except (StoreError, VaultError) as exc:
            raise Failure(str(exc)) from None
        root.obj["services"] = built
        root.call_on_close(built.close)
    return root.obj["services"]


def emit_json(value) -> None:
    """Print one JSON document (UTF-8, Chinese as itself)."""
    import json

    click.echo(json.dumps(value, ensure_ascii=False, indent=2))
