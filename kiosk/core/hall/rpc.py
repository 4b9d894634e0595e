"""The queue operations a hall client may ask the hall server for, defined once for both.

Each operation names the :class:`~kiosk.core.queue.QueueApi` method, its arguments
with their JSON types, and how its result travels. The server checks a request's
arguments against this table (:func:`check_args`) and encodes the result
(:func:`encode_result`); the client decodes it (:func:`decode_result`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kiosk.core.queue import CounterView, HallView, QueueApi, ServiceStats, Ticket


@dataclass(frozen=True)
class Op:
    """One operation: its arguments (name -> JSON type) and the kind of its result."""

    args: dict[str, type | tuple[type, ...]]
    result: str  # ticket, none, text, raw, stats, hall, counter
    optional: tuple[str, ...] = ()


_REQ = ("request_id", "actor")
_NO = {"ticket_no": str, "request_id": str, "actor": str}
_TEXTS = (str, type(None))

OPS: dict[str, Op] = {
    "take": Op(
        {
            "service_code": str,
            "priority": _TEXTS,
            "appointment_code": _TEXTS,
            "priority_checked": bool,
            "request_id": str,
            "actor": str,
        },
        "ticket",
        ("priority", "appointment_code", "priority_checked", *_REQ),
    ),
    "book": Op({"service_code": str, "slot_at": str}, "text"),
    "call": Op(
        {
            "counter": str,
            "service_code": _TEXTS,
            "only_if_idle": bool,
            "request_id": str,
            "actor": str,
        },
        "ticket",
        ("service_code", "only_if_idle", *_REQ),
    ),
    **{
        name: Op(_NO, "ticket", _REQ)
        for name in ("recall", "serve", "done", "no_show", "cancel", "restore", "hold")
    },
    "transfer": Op(_NO | {"service_code": str}, "ticket", _REQ),
    "call_back": Op(_NO | {"counter": str}, "ticket", _REQ),
    "call_chosen": Op(_NO | {"counter": str, "reason": str}, "ticket", _REQ),
    "pause_counter": Op({"counter": str, "actor": str}, "none", ("actor",)),
    "resume_counter": Op({"counter": str, "actor": str}, "none", ("actor",)),
    "pause_issuing": Op(
        {"service_codes": (list, type(None)), "actor": str}, "none", ("service_codes", "actor")
    ),
    "resume_issuing": Op(
        {"service_codes": (list, type(None)), "actor": str}, "none", ("service_codes", "actor")
    ),
    "pause_phone_issuing": Op({"actor": str}, "none", ("actor",)),
    "resume_phone_issuing": Op({"actor": str}, "none", ("actor",)),
    "get": Op({"ticket_no": str}, "ticket"),
    "status": Op({}, "raw"),
    "stats": Op({"day": _TEXTS}, "stats", ("day",)),
    "hall_view": Op({}, "hall"),
    "counter_view": Op({"counter": str}, "counter"),
}


class BadArguments(ValueError):
    """The arguments of a request do not fit the operation."""


def check_args(op: Op, args: Any) -> dict[str, Any]:
    """The arguments, checked against ``op``; :class:`BadArguments` names what is wrong."""
    if not isinstance(args, dict):
        raise BadArguments("the arguments must be a JSON object")
    unknown = set(args) - set(op.args)
    if unknown:
        raise BadArguments(f"unknown arguments: {', '.join(sorted(unknown))}")
    for name, kind in op.args.items():
        if name not in args:
            if name not in op.optional:
                raise BadArguments(f"missing argument {name}")
            continue
        value = args[name]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise BadArguments(f"argument {name} has the wrong type")
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise BadArguments(f"argument {name} must be a list of strings")
    return dict(args)


def run(queue: QueueApi, name: str, args: dict[str, Any]) -> Any:
    """Run operation ``name`` with checked ``args`` on ``queue``; the result as JSON."""
    op = OPS[name]
    if name == "book":
        return queue.book(args["service_code"], datetime.fromisoformat(args["slot_at"]))
    if name == "stats":
        day = args.get("day")
        result = queue.stats(date.fromisoformat(day) if day else None)
    else:
        result = getattr(queue, name)(**args)
    return encode_result(op, result)


def encode_result(op: Op, result: Any) -> Any:
    """The JSON form of an operation's result."""
    if op.result in ("ticket", "hall", "counter"):
        return result.as_json()
    if op.result == "stats":
        return [s.as_json() for s in result]
    return result


def decode_result(op: Op, data: Any) -> Any:
    """An operation's result back from its JSON form."""
    if op.result == "ticket":
        return Ticket.from_json(data)
    if op.result == "hall":
        return HallView.from_json(data)
    if op.result == "counter":
        return CounterView.from_json(data)
    if op.result == "stats":
        return [ServiceStats.from_json(s) for s in data]
    return data
