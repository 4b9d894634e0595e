"""``bianmin hall``: the hall server, staff accounts, the speaker, test announcements."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import click

from kiosk.cli.common import Failure, cause_and_sentence, emit_json, load_config, services
from kiosk.core.local_time import local_text


@click.group()
def hall() -> None:
    """The hall (大厅): counter page, display board, voice calls, one queue for every kiosk."""


def _server_box(ctx: click.Context):
    """The configuration, refusing on a client box (its queue lives on the hall server)."""
    config = load_config(ctx)
    if config.hall.url:
        raise Failure(
            f"this box is a hall client ([hall] url = {config.hall.url}); run this on the hall"
            " server, whose site file leaves [hall] url empty"
        )
    return config


def _speaker(config, clock):
    from kiosk.core.hall.announce import Announcer, Speaker
    from kiosk.core.messages import Messages
    from kiosk.core.voice import espeak_synthesiser, system_player

    player = system_player()
    if player is None:
        click.echo(
            "bianmin: no sound player (aplay, paplay, pw-play): calls are not spoken", err=True
        )
        return None
    announcer = Announcer(Messages(config.ui.language), espeak_synthesiser(), config.hall)
    return Speaker(announcer, player, clock, work_dir=config.data_dir)


@hall.command()
@click.option(
    "--listen", help="HOST:PORT to listen on (default [hall] listen; port 0: a free one)."
)
@click.option("--no-speaker", is_flag=True, help="Do not play calls on this box ([hall] speaker).")
@click.pass_context
def serve(ctx, listen: str | None, no_speaker: bool) -> None:
    """Run the hall server; the first line printed is its base URL."""
    from kiosk.app import open_store
    from kiosk.core.hall.service import HallService
    from kiosk.hall.server import HallServer, parse_listen

    config = _server_box(ctx)
    try:
        host, port = parse_listen(listen or config.hall.listen)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--listen") from None
    app = services(ctx)
    if app.sync.configured:
        app.sync.start()  # queue events reach the platform from the server
    hall_service = HallService.from_services(app, lambda: open_store(config))
    speaker = _speaker(config, app.clock) if config.hall.speaker and not no_speaker else None
    if not config.hall.key:
        click.echo("bianmin: [hall] key is empty: other kiosks cannot use this server", err=True)

    def started() -> None:
        click.echo(server.url)
        sys.stdout.flush()
        click.echo(f"board: {server.url}/board   counters: {server.url}/counter", err=True)

    try:
        server = HallServer(hall_service, host, port, speaker, on_started=started)
    except OSError as exc:
        raise Failure(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    server.serve_forever()


@hall.command()
def key() -> None:
    """Print a new random [hall] key (64 hex characters) for the server and its clients."""
    from offline_sync.signing import new_secret

    click.echo(new_secret())


@hall.group()
def staff() -> None:
    """Staff accounts for the counter page (on the hall server)."""


def _directory(ctx):
    from kiosk.core.hall.staff import StaffDirectory

    _server_box(ctx)  # staff accounts live on the hall server's box
    return StaffDirectory.for_services(services(ctx))


@staff.command("add")
@click.argument("staff_id")
@click.option("--name", required=True, help="The name shown on the counter page.")
@click.option(
    "--pin",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="4 to 12 digits (asked when left out); only its scrypt hash is kept.",
)
@click.pass_context
def staff_add(ctx, staff_id: str, name: str, pin: str) -> None:
    """Create the account STAFF_ID."""
    from kiosk.core.hall.errors import HallError

    try:
        added = _directory(ctx).add(staff_id, name, pin)
    except HallError as exc:
        raise Failure(cause_and_sentence(exc)) from None
    click.echo(f"added {added.staff_id} {added.name}")


@staff.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def staff_list(ctx, as_json: bool) -> None:
    """Every account: id, name, active, locked until."""
    accounts = _directory(ctx).list()
    if as_json:
        emit_json([a.as_json() for a in accounts])
        return
    zone = load_config(ctx).site.timezone
    for a in accounts:
        state = "active" if a.active else "disabled"
        locked = f"  locked until {local_text(a.locked_until, zone)}" if a.locked_until else ""
        click.echo(f"{a.staff_id:<12} {a.name}  {state}{locked}")


def _set_active(ctx, staff_id: str, active: bool) -> None:
    from kiosk.core.hall.errors import HallError

    try:
        account = _directory(ctx).set_active(staff_id, active)
    except HallError as exc:
        raise Failure(cause_and_sentence(exc)) from None
    click.echo(f"{account.staff_id} {'enabled' if active else 'disabled'}")


@staff.command("disable")
@click.argument("staff_id")
@click.pass_context
def staff_disable(ctx, staff_id: str) -> None:
    """Disable STAFF_ID (their counter sessions end at once)."""
    _set_active(ctx, staff_id, False)


@staff.command("enable")
@click.argument("staff_id")
@click.pass_context
def staff_enable(ctx, staff_id: str) -> None:
    """Enable STAFF_ID again (also lifts a lock-out after wrong PINs)."""
    _set_active(ctx, staff_id, True)


@hall.command()
@click.option("--hall", "hall_url", required=True, help="The hall server's base URL.")
@click.option("--no-self-test", is_flag=True, help="Do not speak the start-up line.")
@click.pass_context
def speaker(ctx, hall_url: str, no_self_test: bool) -> None:
    """Play the hall's calls on this box's loudspeakers (until Ctrl-C)."""
    import httpx

    from kiosk.core.hall.announce import follow_hall
    from kiosk.core.hall.client import hall_events
    from offline_sync.clock import SystemClock

    config = load_config(ctx)
    player = _speaker(config, SystemClock())
    if player is None:
        raise Failure("this box cannot play sound: install alsa-utils (aplay) or pipewire")
    player.start(self_test=not no_self_test)
    stop = threading.Event()
    http = httpx.Client(base_url=hall_url.rstrip("/"), timeout=config.hall.request_timeout_s)
    click.echo(f"speaking the calls of {hall_url}", err=True)
    try:
        follow_hall(lambda: hall_events(http), player, stop)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        player.stop()
        http.close()


@hall.command()
@click.argument("ticket_no")
@click.argument("counter")
@click.option("--wav", "wav", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the announcement to this WAV file instead of playing it.")  # fmt: skip
@click.pass_context
def announce(ctx, ticket_no: str, counter: str, wav: Path | None) -> None:
    """Say (or write) the call of TICKET_NO to COUNTER exactly as the speaker would."""
    import tempfile

    from kiosk.core.hall.announce import Announcer
    from kiosk.core.messages import Messages
    from kiosk.core.voice import VoiceError, espeak_synthesiser, system_player

    config = load_config(ctx)
    announcer = Announcer(Messages(config.ui.language), espeak_synthesiser(), config.hall)
    with tempfile.TemporaryDirectory() as tmp:
        target = wav or Path(tmp) / "announcement.wav"
        try:
            written = announcer.write_call(ticket_no.upper(), counter, target)
        except (VoiceError, OSError) as exc:
            raise Failure(str(exc)) from None
        if not written:
            raise Failure("[hall] chime and voice are both off: there is nothing to play")
        if wav is None:
            player = system_player()
            if player is None:
                raise Failure("no sound player (aplay, paplay, pw-play) is installed")
            player(target)
    click.echo(announcer.call_sentence(ticket_no.upper(), counter))


@hall.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the screenshots.")  # fmt: skip
@click.pass_context
def tour(ctx, out_dir: Path) -> None:
    """Screenshots of the counter page and the board (headless Chromium) into OUT."""
    from kiosk.demo.hall_tour import run_tour

    try:
        shots = run_tour(out_dir)
    except RuntimeError as exc:
        raise Failure(str(exc)) from None
    for shot in shots:
        click.echo(shot)
