"""``bianmin ui``: open the kiosk (``run``) or play the offscreen tour (``tour``)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

from kiosk.cli.common import Failure, load_config, load_running_config


@click.group("ui")
def ui() -> None:
    """The kiosk touch screen."""


@ui.command("run")
@click.option("--windowed", is_flag=True, help="A window instead of full screen (set-up, demos).")
@click.pass_context
def run(ctx: click.Context, windowed: bool) -> None:
    """Open the kiosk on this screen with the configured devices.

    A site file that does not load, with a last good copy beside it, starts the kiosk on
    that copy (the technician menu says why)."""
    import dataclasses

    load_running_config(ctx)
    config = load_config(ctx)
    if windowed:
        config = dataclasses.replace(config, ui=dataclasses.replace(config.ui, fullscreen=False))
    from kiosk.app import check_site
    from kiosk.core.privacy.files import DataDirError
    from kiosk.ui.kivy_env import UiSetupError
    from offline_sync.store import StoreError
    from offline_sync.vault import VaultError

    try:  # a store without its key must not get as far as a window
        check_site(config)
    except (DataDirError, StoreError, VaultError) as exc:
        raise Failure(str(exc)) from None

    try:
        if config.ui.mode == "agent":  # the proxy agent's tablet (docs/agent.md)
            from kiosk.agent.launch import run_agent, tablet_config

            run_agent(tablet_config(config, windowed=windowed))
            return
        from kiosk.ui.launch import run_kiosk

        run_kiosk(config)
    except UiSetupError as exc:
        raise Failure(str(exc)) from None


@ui.command("tour")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the PNGs (one per state, plus the printer's paper in paper/).",
)
@click.option("--width", default=1920, show_default=True, help="Window width in pixels.")
@click.option("--height", default=1080, show_default=True, help="Window height in pixels.")
@click.option(
    "--mode",
    type=click.Choice(["kiosk", "agent"]),
    default="kiosk",
    show_default=True,
    help="agent: the proxy agent's tablet, in landscape (1280x800) and portrait (800x1280).",
)
@click.option(
    "--orientation",
    type=click.Choice(["landscape", "portrait"]),
    default=None,
    help="agent: only this orientation (by default each runs in its own process).",
)
def tour(
    out: Path, width: int, height: int, mode: str = "kiosk", orientation: str | None = None
) -> None:
    """Drive the real kiosk offscreen through every screen and state; write PNGs."""
    import tempfile

    from kiosk.config import Ui, section_defaults
    from kiosk.ui import kivy_env

    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    if mode == "agent":
        _agent_tour(out, orientation)
        return
    try:
        kivy_env.prepare(
            section_defaults(Ui),
            Path(tempfile.mkdtemp(prefix="bianmin-kivy-")),
            size=(width, height),
        )
    except kivy_env.UiSetupError as exc:
        raise Failure(str(exc)) from None
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from kiosk.demo.driver import DriverTimeout
    from kiosk.demo.tour import run_tour

    try:
        pictures = run_tour(out, size=(width, height))
    except (DriverTimeout, LookupError) as exc:
        raise Failure(f"tour stopped: {exc} (screen kept in {out}/tour-stopped-here.png)") from None
    screens = [p for p in pictures if p.parent == out]
    click.echo(f"{len(screens)} screens and {len(pictures) - len(screens)} printouts in {out}")
    overflow = (out / "text-overflow.txt").read_text(encoding="utf-8").splitlines()
    if overflow:
        click.echo(f"{len(overflow)} texts do not fit their box (see {out}/text-overflow.txt)")
    for picture in pictures:
        click.echo(f"  {picture}")


def _agent_tour(out: Path, orientation: str | None) -> None:
    """The agent tablet's tour; each orientation in a process of its own (Kivy's window
    keeps the size it was opened with)."""
    import subprocess
    import sys
    import tempfile

    if orientation is None:
        for each in ("landscape", "portrait"):
            args = ["ui", "tour", "--mode", "agent", "--orientation", each, "--out", str(out)]
            if subprocess.run([sys.executable, "-m", "kiosk", *args], check=False).returncode:
                raise Failure(f"the agent tour stopped in {each} (screen kept in {out})")
        return
    from kiosk.agent.launch import prepare_tablet
    from kiosk.config import load_config
    from kiosk.demo.site import write_demo_site
    from kiosk.ui import kivy_env

    size = (1280, 800) if orientation == "landscape" else (800, 1280)
    site = write_demo_site(Path(tempfile.mkdtemp(prefix="bianmin-kivy-")))
    try:
        prepare_tablet(load_config(site), site.parent / "kivy", size=size)
    except kivy_env.UiSetupError as exc:
        raise Failure(str(exc)) from None
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from kiosk.demo.agent_tour import run_agent_tour
    from kiosk.demo.driver import DriverTimeout

    try:
        pictures = run_agent_tour(out, (orientation,))
    except (DriverTimeout, LookupError) as exc:
        raise Failure(f"tour stopped: {exc} (screen kept in {out})") from None
    click.echo(f"{len(pictures)} agent screens ({orientation}) in {out}")
    for picture in pictures:
        click.echo(f"  {picture}")


@ui.command("demo")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-out"),
    show_default=True,
    help="Folder for the pictures: the tour's screens, or the printer's paper.",
)
def demo(out: Path) -> None:
    """The kiosk with its devices simulated and a local reference platform.

    With a display: the ID card simulator (commands on stdin), the virtual printer
    (paper as PNGs in OUT/paper) and a reference platform on 127.0.0.1, then the kiosk
    in a window. With no display: the offscreen tour, and where its pictures are.
    """
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        click.echo("no display: playing the offscreen tour instead")
        tour.callback(out=out, width=1920, height=1080)
        return
    import tempfile

    from kiosk.demo.site import open_demo_site
    from kiosk.ui.kivy_env import UiSetupError
    from kiosk.ui.launch import run_kiosk

    work = Path(tempfile.mkdtemp(prefix="bianmin-demo-"))
    with open_demo_site(
        work, platform=True, printer=True, paper_dir=out / "paper", reader=True
    ) as site:
        click.echo(
            f"reference platform {site.platform_url}; printer paper in {out / 'paper'};"
            f" data in {work}"
        )
        try:
            run_kiosk(site.config, console=True)
        except UiSetupError as exc:
            raise Failure(str(exc)) from None
