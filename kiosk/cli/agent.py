"""``bianmin agent``: open the proxy agent's tablet (the same as ``[ui] mode = "agent"``)."""

from __future__ import annotations

import click

from kiosk.cli.common import Failure, load_config


@click.command("agent")
@click.option("--windowed", is_flag=True, help="A window instead of full screen.")
@click.option("--portrait", is_flag=True, help="800x1280 instead of 1280x800 (windowed).")
@click.pass_context
def agent(ctx: click.Context, windowed: bool, portrait: bool) -> None:
    """Open the proxy agent's tablet (代办): login, villagers, applications, lists, sync."""
    from kiosk.agent.launch import run_agent, tablet_config
    from kiosk.ui.kivy_env import UiSetupError

    config = tablet_config(load_config(ctx), portrait=portrait, windowed=windowed)
    try:
        run_agent(config)
    except UiSetupError as exc:
        raise Failure(str(exc)) from None
