"""The ``bianmin`` command: the root group every command group registers on.

``--config`` is accepted before or after the command name (``bianmin --config F
queue take A`` and ``bianmin queue take A --config F`` are the same): the root group
attaches the option to every command added to it.
"""

from __future__ import annotations

import click

from kiosk.config import ENV_VAR

_CONFIG_HELP = f"Site config file (TOML); default ${ENV_VAR}, then the packaged defaults."


def _remember_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.find_root().params["config_path"] = value


def _config_option() -> click.Option:
    return click.Option(
        ["--config", "config_path"],
        type=click.Path(dir_okay=False),
        expose_value=False,
        is_eager=True,
        callback=_remember_config,
        help=_CONFIG_HELP,
    )


def _attach_config_option(command: click.Command) -> None:
    if not any(p.name == "config_path" for p in command.params):
        command.params.append(_config_option())
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _attach_config_option(sub)


class RootGroup(click.Group):
    """The root group: gives every registered command a ``--config`` option."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _attach_config_option(cmd)
        super().add_command(cmd, name)


@click.group(cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), envvar=ENV_VAR, help=_CONFIG_HELP
)
@click.pass_context
def main(ctx: click.Context, config_path: str | None) -> None:
    """bianmin 便民: offline software for township and village service points."""
    ctx.ensure_object(dict)


# Command groups register below, one line each.
from kiosk.cli.db import db  # noqa: E402
from kiosk.cli.queue import queue  # noqa: E402

main.add_command(queue)
main.add_command(db)
from kiosk.cli.demo import demo  # noqa: E402

main.add_command(demo)
from kiosk.cli.printer import printer  # noqa: E402
from kiosk.cli.sim import sim  # noqa: E402

main.add_command(printer)
main.add_command(sim)
from kiosk.cli.idcard import idcard  # noqa: E402

main.add_command(idcard)
from kiosk.cli.platform import platform  # noqa: E402

main.add_command(platform)
from kiosk.cli.sync import status, sync  # noqa: E402

main.add_command(sync)
main.add_command(status)
from kiosk.cli.cases import case, catalogue, demo_seed  # noqa: E402

main.add_command(case)
main.add_command(catalogue)
demo.add_command(demo_seed)
main.add_command(demo)  # again, so that the new subcommand gets --config too
from kiosk.cli.platform import platform  # noqa: E402

main.add_command(platform)
