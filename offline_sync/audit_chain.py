"""The ``audit_event`` record (an extension of the platform contract): one entry of a device's
audit log, chained to the one before it by an SM3 hash.

The device (``kiosk.core.audit``) and the reference platform compute the hash with the same
function, so the platform can check every entry it receives and a device can check its log.
"""

from __future__ import annotations

import re
from typing import Any

from offline_sync.contract import canonical_json
from offline_sync.sm3 import sm3_hex

KIND = "audit_event"
GENESIS = "0" * 64  # the "previous hash" of a log's first entry
HASH_PATTERN = re.compile(r"^[0-9a-f]{64}$")
MAX_NAME = 64  # characters of an actor or an action
MAX_DETAIL_BYTES = 2048  # canonical JSON of an entry's detail
ENTRY_FIELDS = ("seq", "at", "actor", "action", "detail")


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    """SM3 (hex) of the previous entry's hash and this entry's fields, as canonical JSON."""
    fields = {name: entry[name] for name in ENTRY_FIELDS}
    return sm3_hex(prev_hash.encode("ascii") + b"\n" + canonical_json(fields))


def body_problem(body: Any) -> tuple[str, str] | None:
    """``(field, what is wrong)`` for a malformed ``audit_event`` body, or None when it is sound
    (including its hash, recomputed from its fields and ``prev_hash``)."""
    if not isinstance(body, dict):
        return "body", "must be an object"
    seq = body.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        return "seq", "must be a positive integer"
    for name in ("actor", "action"):
        value = body.get(name)
        if not isinstance(value, str) or not value or len(value) > MAX_NAME:
            return name, f"must be a string of 1 to {MAX_NAME} characters"
        if not value.isprintable():
            return name, "must be printable, on one line"
    if not isinstance(body.get("at"), str):
        return "at", "must be an RFC 3339 time"
    detail = body.get("detail")
    if not isinstance(detail, dict) or len(canonical_json(detail)) > MAX_DETAIL_BYTES:
        return "detail", f"must be an object of at most {MAX_DETAIL_BYTES} bytes as JSON"
    for name in ("prev_hash", "hash"):
        if not isinstance(body.get(name), str) or not HASH_PATTERN.match(body[name]):
            return name, "must be 64 lower-case hex digits (SM3)"
    if entry_hash(body["prev_hash"], body) != body["hash"]:
        return "hash", "does not match the entry (SM3 of prev_hash and the entry's fields)"
    return None
