"""The ID card simulator's console: one text command a line, as ``bianmin sim idcard`` reads
them from its standard input (``place 0``, ``remove``, ``fault bad_check``, ``help``...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from devices.idcard.frames import Command
from devices.idcard.idnumber import mask_name
from devices.idcard.sim_faults import TARGET_NAMES, Fault

if TYPE_CHECKING:
    from devices.idcard.simulator import SimulatedReader


def execute(sim: SimulatedReader, line: str) -> str:
    """Run one console command on ``sim``; the reply starts with ``ok`` or ``error``."""
    words = line.split()
    if not words:
        return "ok"
    name, args = words[0].lower(), words[1:]
    try:
        handler = CONSOLE_COMMANDS[name]
    except KeyError:
        return f"error: unknown command {name!r}; try help"
    try:
        return "ok " + handler(sim, args)
    except (ValueError, IndexError, KeyError) as exc:
        return f"error: {name}: {exc}"


def _cmd_place(sim: SimulatedReader, args: list[str]) -> str:
    which = args[0] if args else "0"
    if which.isdigit() and len(which) < 6:  # an index, not an ID number
        index = int(which)
    else:
        matches = [i for i, c in enumerate(sim.cards) if c.id_number == which.upper()]
        if not matches:
            raise ValueError(f"no card with number {which}")
        index = matches[0]
    if not 0 <= index < len(sim.cards):
        raise ValueError(f"no card {index}; cards are 0..{len(sim.cards) - 1}")
    card = sim.place(index)
    return f"placed {index} ({card.kind.value}, {mask_name(card.name)})"


def _cmd_remove(sim: SimulatedReader, args: list[str]) -> str:
    sim.remove()
    return "removed"


def _cmd_fault(sim: SimulatedReader, args: list[str]) -> str:
    if not args:
        raise ValueError(f"which fault? {', '.join(f.value for f in Fault)}, or unplug")
    try:
        fault = Fault(args[0].lower())
    except ValueError:
        raise ValueError(
            f"unknown fault {args[0]!r}; {', '.join(f.value for f in Fault)}"
        ) from None
    options: dict[str, Any] = {}
    target: Command | None | str = "default"
    for word in args[1:]:
        key, _, value = word.partition("=")
        if key == "target":
            if value not in TARGET_NAMES:
                raise ValueError(f"target {value!r}; allowed: {', '.join(TARGET_NAMES)}")
            target = TARGET_NAMES[value]
        elif key == "count":
            options["count"] = int(value)
        elif key == "bytes":
            options["noise_bytes"] = int(value)
        elif key == "seconds":
            options["delay_s"] = float(value)
        elif key == "status":
            options["status"] = int(value, 16)
        else:
            raise ValueError(
                f"unknown option {key!r}; allowed: target, count, bytes, seconds, status"
            )
    count = options.pop("count", 1)
    return "fault " + sim.inject(fault, target, count, **options).describe()


def _cmd_unplug(sim: SimulatedReader, args: list[str]) -> str:
    sim.unplug()
    return "unplugged"


def _cmd_replug(sim: SimulatedReader, args: list[str]) -> str:
    return f"replugged {sim.path} -> {sim.replug()}"


def _cmd_reset(sim: SimulatedReader, args: list[str]) -> str:
    sim.reset()
    return f"reset {sim.path}"


def _cmd_cards(sim: SimulatedReader, args: list[str]) -> str:
    faces = "; ".join(f"{i} {c.kind.value} {mask_name(c.name)}" for i, c in enumerate(sim.cards))
    return f"{len(sim.cards)} cards: {faces}"


def _cmd_status(sim: SimulatedReader, args: list[str]) -> str:
    port = f"plugged {sim.device_path}" if sim.plugged else "unplugged"
    card = f"card {sim.card.kind.value} {mask_name(sim.card.name)}" if sim.card else "no card"
    return (
        f"{port}, {card}, {len(sim.faults)} faults pending, {sim.baud} baud, "
        f"{sum(sim.requests.values())} requests, {sim.bytes_in} bytes in, {sim.bytes_out} out"
    )


def _cmd_help(sim: SimulatedReader, args: list[str]) -> str:
    return (
        "commands: place [N|ID_NUMBER], remove, fault KIND [target=find|select|read|any] "
        "[count=N] [bytes=N] [seconds=S] [status=HEX], unplug, replug, reset, cards, status, help; "
        f"faults: {', '.join(f.value for f in Fault)}"
    )


CONSOLE_COMMANDS: dict[str, Callable[[SimulatedReader, list[str]], str]] = {
    "place": _cmd_place,
    "remove": _cmd_remove,
    "fault": _cmd_fault,
    "unplug": _cmd_unplug,
    "replug": _cmd_replug,
    "reset": _cmd_reset,
    "cards": _cmd_cards,
    "status": _cmd_status,
    "help": _cmd_help,
}
