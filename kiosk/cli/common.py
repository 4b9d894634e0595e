"""Shared CLI plumbing: the --config option, config loading and error exits."""

from __future__ import annotations

import click

from kiosk.config import Config, ConfigError, load_config as _load


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
