"""``bianmin idcard``: read a card and find readers; ``bianmin sim idcard``: a simulated reader."""

from __future__ import annotations

import queue
import signal
import sys
from pathlib import Path

import click

from devices.idcard import (
    CardPlaced,
    CardRemoved,
    IdCard,
    IdCardError,
    NoReaderAnswers,
    ReaderEvent,
    ReadFailed,
    open_reader,
)
from devices.idcard.cards_file import CardsFileError, load_cards
from devices.idcard.frames import BAUD_RATES
from devices.idcard.idnumber import mask_id_number, mask_name
from devices.idcard.probe import PortReport, probe
from devices.idcard.simulator import SimulatedReader
from kiosk.cli.common import (
    Failure,
    cause_and_sentence,
    emit_json,
    load_config,
    sigterm_ends_it,
)
from kiosk.config import IdCardDevice, section_defaults
from kiosk.core.local_time import now_text
from kiosk.resources import data_path

EXIT_NO_CARD = 3
PROBE_HINT = "is this the reader's port and speed? `bianmin idcard probe` finds both"
_CARD_TYPE_NAMES = {
    "resident_id": "居民身份证",
    "hk_mo_tw_residence": "港澳台居民居住证",
    "foreign_permanent": "外国人永久居留身份证",
}


def _baud(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    return int(value) if value is not None else None


_baud_option = click.option(
    "--baud",
    type=click.Choice([str(b) for b in BAUD_RATES]),
    callback=_baud,
    help="Baud rate (default 115200, or the config's with no --port).",
)


def default_cards_file() -> Path:
    """The packaged sample card faces."""
    return data_path("assets") / "sim" / "cards.toml"


@click.group()
def idcard() -> None:
    """ID card reader (身份证阅读器): read a card, watch the reader, find readers."""


@idcard.command()
@click.option("--port", help="Serial port, e.g. /dev/ttyUSB0 (default: devices.idcard.port).")
@_baud_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a card.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--with-photo", is_flag=True, help="Add the WLT photo as base64 (photo_wlt_b64).")
@click.pass_context
def read(
    ctx: click.Context,
    port: str | None,
    baud: int | None,
    timeout: float,
    as_json: bool,
    with_photo: bool,
) -> None:
    """Wait for a card on the reader and print it.

    Exit status 0 with a card, 3 when no card came within the timeout, 1 when the
    card could not be read or failed verification (the reason on stderr).
    """
    port, baud = _port_and_baud(ctx, port, baud)
    reader = open_reader(port, baud, _poll_interval(ctx))
    try:
        card = reader.read_once(timeout)
    except NoReaderAnswers as exc:
        raise Failure(f"{cause_and_sentence(exc)}; {PROBE_HINT}") from None
    except IdCardError as exc:
        raise Failure(cause_and_sentence(exc)) from None
    finally:
        reader.stop()
    if card is None:
        click.echo(f"bianmin: {port}: no card within {timeout:g} s", err=True)
        ctx.exit(EXIT_NO_CARD)
    if as_json:
        emit_json(card.to_json(with_photo))
    else:
        click.echo(card_text(card, with_photo))


def _port_and_baud(ctx: click.Context, port: str | None, baud: int | None) -> tuple[str, int]:
    """``--port`` and ``--baud``, or ``[devices.idcard]`` of the site config without ``--port``."""
    if port is not None:
        return port, baud or 115200
    settings = load_config(ctx).devices.idcard
    if not settings.port:
        raise click.UsageError("give --port, or set devices.idcard.port in the site config")
    return settings.port, baud or settings.baud


def _poll_interval(ctx: click.Context) -> float:
    """How often the kiosk asks the reader for a card: the site's, else the default."""
    if ctx.find_root().params.get("config_path"):
        return load_config(ctx).devices.idcard.poll_interval_s
    return section_defaults(IdCardDevice).poll_interval_s


def card_text(card: IdCard, with_photo: bool = False) -> str:
    """The card as its face reads, one field a line."""
    face = card.to_json(with_photo)
    rows = [
        ("证件类型", _CARD_TYPE_NAMES[face["card_type"]]),
        ("姓名", face["name"]),
        ("英文姓名", face["english_name"]),
        ("性别", face["gender"]),
        ("民族", face["nation"]),
        ("国籍", face["nationality"]),
        ("出生", face["birth_date"]),
        ("住址", face["address"]),
        ("证件号码", face["id_number"]),
        ("签发机关", face["issuer"]),
        ("有效期限", f"{face['valid_from']} 至 {face['valid_to'] or '长期'}"),
        ("照片(WLT)", face.get("photo_wlt_b64")),
    ]
    return "\n".join(f"{label}: {value}" for label, value in rows if value is not None)


@idcard.command()
@click.option("--port", help="Serial port (default: devices.idcard.port).")
@_baud_option
@click.option(
    "--poll",
    type=click.FloatRange(min=0.005, max=10),
    help="Seconds between polls (default: [devices.idcard] poll_interval_s, as the kiosk).",
)
@click.option(
    "--count", type=click.IntRange(min=1), help="Stop after this many placements (read or not)."
)
@click.pass_context
def watch(
    ctx: click.Context, port: str | None, baud: int | None, poll: float, count: int | None
) -> None:
    """Poll the reader as the kiosk does and print every event, one a line, masked.

    Shows connection changes, each placement (read time, or why the read failed) and
    each removal, until Ctrl-C, SIGTERM or --count placements.
    """
    port, baud = _port_and_baud(ctx, port, baud)
    zone = load_config(ctx).site.timezone if ctx.find_root().params.get("config_path") else None
    events: queue.Queue[ReaderEvent] = queue.Queue()
    reader = open_reader(port, baud, poll or _poll_interval(ctx))
    reader.subscribe(events.put)
    placements = 0
    with sigterm_ends_it():
        try:
            reader.start()
            while count is None or placements < count:
                event = events.get()
                click.echo(f"{now_text(zone)} {event_text(event)}")
                sys.stdout.flush()
                placements += isinstance(event, CardPlaced | ReadFailed)
        except KeyboardInterrupt:
            pass
        finally:
            reader.stop()


def event_text(event: ReaderEvent) -> str:
    """One line for a reader event, with the name and number masked."""
    if isinstance(event, CardPlaced):
        card = event.card
        return (
            f"placed {card.card_type.value} {mask_name(card.name)} "
            f"{mask_id_number(card.id_number)} read in {event.read_ms:.0f} ms"
        )
    if isinstance(event, ReadFailed):
        return f"read failed: {cause_and_sentence(event.error)}"
    if isinstance(event, CardRemoved):
        return "removed"
    return f"{event.new.value} ({event.reason})"


@idcard.command("probe")
@click.option(
    "--port", "ports", multiple=True, help="Also probe this port (repeatable), e.g. a pty."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def probe_command(ctx: click.Context, ports: tuple[str, ...], as_json: bool) -> None:
    """List serial ports and the ID card readers on them (baud rate, SAM id).

    Asks every port for its SAM id at each baud rate. Exit status 0 when a reader
    was found, 3 when none was.
    """
    extra = list(ports)
    if ctx.find_root().params.get("config_path"):
        configured = load_config(ctx).devices.idcard.port
        if configured and not configured.startswith("sim"):
            extra.append(configured)
    reports = probe(extra)
    readers = [r for r in reports if r.reader]
    if as_json:
        emit_json({"ports": [r.to_json() for r in reports]})
    else:
        click.echo(probe_text(reports))
    if not readers:
        ctx.exit(EXIT_NO_CARD)


def probe_text(reports: list[PortReport]) -> str:
    """One line per port, then what to put in the config."""
    if not reports:
        return "no serial ports found"
    lines = []
    for r in reports:
        if r.reader and r.sam_id:
            found = f"reader at {r.baud} baud, SAM {r.sam_id}"
        elif r.reader:
            found = f"reader at {r.baud} baud, but {r.error}"
        else:
            found = f"no reader ({r.error})"
        pinned = f" [{r.by_id}]" if r.by_id else ""
        lines.append(f"{r.port}{pinned}  {r.description}  {found}")
    good = [r for r in reports if r.reader and r.sam_id]
    if good:
        best = good[0]
        lines.append(
            f'site config: [devices.idcard] port = "{best.by_id or best.port}"  baud = {best.baud}'
        )
    return "\n".join(lines)


@click.command("idcard")
@_baud_option
@click.option(
    "--cards",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Card faces, TOML or JSON (default: the packaged sample cards).",
)
@click.option(
    "--halt-after-read",
    is_flag=True,
    help='Like readers that answer "no card" to a card already read until it is lifted.',
)
def sim_idcard(baud: int | None, cards: Path | None, halt_after_read: bool) -> None:
    """A simulated ID card reader on a pty, at true wire timing.

    Prints the device path on the first line of stdout, then reads commands from
    stdin, one a line, answering each with one line (``ok ...`` or ``error: ...``):
    place [N|ID_NUMBER], remove, fault KIND [options], unplug, replug, cards, status,
    help. Runs until interrupted (Ctrl-C or SIGTERM).
    """
    cards_path = cards or default_cards_file()
    try:
        faces = load_cards(cards_path)
    except CardsFileError as exc:
        raise Failure(str(exc)) from None
    simulator = SimulatedReader(faces, baud or 115200, halt_after_read=halt_after_read)
    with sigterm_ends_it():
        try:
            simulator.start()
            click.echo(simulator.path)
            sys.stdout.flush()
            click.echo(
                f"simulated ID card reader: {simulator.baud} baud, {len(faces)} cards from "
                f"{cards_path}; type help",
                err=True,
            )
            for line in sys.stdin:
                click.echo(simulator.execute(line))
                sys.stdout.flush()
            signal.pause()  # stdin closed: keep answering until interrupted
        except KeyboardInterrupt:
            pass
        finally:
            simulator.close()
