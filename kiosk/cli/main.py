"""The ``bianmin`` command: the root group every command group registers on.

Command groups are imported only when named, so a quick command (``queue take``)
does not pay for the UI, the HTTP stack or the pinyin dictionary. ``--config`` is
accepted before or after the command name (``bianmin --config F queue take A`` and
``bianmin queue take A --config F`` are the same): every command loaded through a
:class:`LazyGroup` gets the option.
"""

from __future__ import annotations

import importlib

import click

from kiosk.config import ENV_VAR

_CONFIG_HELP = f"The site file (TOML); default ${ENV_VAR}."


def _remember_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.find_root().params["config_path"] = value


def _attach_config_option(command: click.Command) -> None:
    if not any(p.name == "config_path" for p in command.params):
        command.params.append(
            click.Option(
                ["--config", "config_path"],
                type=click.Path(dir_okay=False),
                expose_value=False,
                is_eager=True,
                callback=_remember_config,
                help=_CONFIG_HELP,
            )
        )
    if isinstance(command, click.Group) and not isinstance(command, LazyGroup):
        for sub in command.commands.values():
            _attach_config_option(sub)


class LazyGroup(click.Group):
    """A group whose subcommands are ``"module:attribute"`` references, imported when used."""

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def invoke(self, ctx: click.Context):
        """Run the command; a fault of this machine (full disk, damaged store) is one line."""
        import sqlite3

        try:
            return super().invoke(ctx)
        except (OSError, sqlite3.DatabaseError) as exc:
            from kiosk.cli.common import Failure
            from kiosk.core.local_faults import describe_local_fault

            line = describe_local_fault(exc)
            if line is None:
                raise
            raise Failure(line) from None

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy and name not in self.commands:
            module, attribute = self.lazy[name].split(":")
            command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, name)
        command = super().get_command(ctx, name)
        if command is not None:
            _attach_config_option(command)
        return command


COMMANDS = {
    "queue": "kiosk.cli.queue:queue",
    "db": "kiosk.cli.db:db",
    "demo": "kiosk.cli.demo:demo",
    "printer": "kiosk.cli.printer:printer",
    "idcard": "kiosk.cli.idcard:idcard",
    "sim": "kiosk.cli.sim:sim",
    "platform": "kiosk.cli.platform:platform",
    "sync": "kiosk.cli.sync:sync",
    "status": "kiosk.cli.sync:status",
    "case": "kiosk.cli.cases:case",
    "catalogue": "kiosk.cli.cases:catalogue",
    "scanner": "kiosk.cli.scanner:scanner",
    "ui": "kiosk.cli.ui:ui",
    "hall": "kiosk.cli.hall:hall",
    "agent": "kiosk.cli.agent:agent",
    "doctor": "kiosk.cli.doctor:doctor",
    "diagnostics": "kiosk.cli.diagnostics:diagnostics",
    "backup": "kiosk.cli.backup:backup",
    "key": "kiosk.cli.key:key",
    "alerts": "kiosk.cli.alerts:alerts",
    "audit": "kiosk.cli.audit:audit",
    "privacy": "kiosk.cli.privacy:privacy",
    "config": "kiosk.cli.config:config_group",
}


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from kiosk.core.upkeep.versions import program_version

    click.echo(f"bianmin {program_version()}")
    ctx.exit()


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Print the program's version and exit.",
)
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), envvar=ENV_VAR, help=_CONFIG_HELP
)
@click.pass_context
def main(ctx: click.Context, config_path: str | None) -> None:
    """bianmin 便民: offline software for township and village service points."""
    ctx.ensure_object(dict)
