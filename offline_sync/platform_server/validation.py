"""Validation of record bodies (contract section 3): one function per kind.

Each raises :class:`Invalid` naming the first field that fails, as
``applicant.id_number`` or ``attachments[2].sha256``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from offline_sync import audit_chain
from offline_sync.contract import (
    ADDRESS_SOURCES,
    AUTHORIZATION_METHODS,
    CHANNELS,
    ID_TYPES,
    RATING_TARGETS,
    RECORD_KINDS,
    RESULT_DELIVERY_METHODS,
    TICKET_CHANNELS,
    TICKET_EVENTS,
)
from offline_sync.contract.protocol import MAX_UPLOAD_BYTES

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
_OTHER_ID = re.compile(r"^[0-9A-Z]{8,20}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class Invalid(Exception):
    """A body fails validation; ``field`` is the path of the first bad field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class CaseRules:
    """What case validation needs from the platform's state."""

    find_item: Callable[[str, int | None], dict[str, Any] | None]
    resident_id_valid: Callable[[str], bool]
    agent_known: Callable[[str], bool]


def is_uuid(value: Any) -> bool:
    """True for a UUID in canonical lower-case text form."""
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def check_envelope(record: Any) -> None:
    """The record's kind, id and revision (the body is checked by kind)."""
    if not isinstance(record, dict):
        raise Invalid("record", "must be an object")
    if record.get("kind") not in RECORD_KINDS:
        raise Invalid("kind", "must be one of " + ", ".join(RECORD_KINDS))
    if not is_uuid(record.get("id")):
        raise Invalid("id", "must be a UUID in canonical lower-case form")
    revision = record.get("revision")
    if not _is_int(revision) or revision < 1:
        raise Invalid("revision", "must be an integer >= 1")
    if not isinstance(record.get("body"), dict):
        raise Invalid("body", "must be an object")


def check_case(body: dict[str, Any], rules: CaseRules) -> None:
    """A case body: item, applicant, channel and agent, form values, attachments, times."""
    code = _string(body, "item_code")
    version = body.get("item_version")
    if not _is_int(version) or version < 1:
        raise Invalid("item_version", "must be an integer >= 1")
    item = rules.find_item(code, version) or rules.find_item(code, None)
    if item is None:
        raise Invalid("item_code", f"{code} is not in the catalogue")
    materials = {m["code"] for m in item.get("materials", [])}
    bundle = body.get("bundle_code")
    if bundle is not None:
        parent = rules.find_item(bundle, None) if isinstance(bundle, str) else None
        if parent is None or code not in parent.get("bundle_items", []):
            raise Invalid("bundle_code", f"must be null or a bundle that holds {code}")
        for sibling in parent["bundle_items"]:
            materials |= {
                m["code"] for m in (rules.find_item(sibling, None) or {}).get("materials", [])
            }
    _check_applicant(body.get("applicant"), rules)
    channel = body.get("channel")
    if channel not in CHANNELS:
        raise Invalid("channel", "must be " + " or ".join(CHANNELS))
    attachments = _check_attachments(body.get("attachments"), materials)
    if channel == "agent":
        _check_agent(body.get("agent"), attachments, item, rules)
    elif body.get("agent") is not None:
        raise Invalid("agent", "must be null for channel kiosk")
    _check_form(body.get("form"), item, rules)
    if "result_delivery" in body:  # 邮寄送达, an extension (docs/platform-api.md)
        _check_result_delivery(body["result_delivery"], item)
    _timestamp(body, "created_at")
    _timestamp(body, "submitted_at")


def _check_applicant(applicant: Any, rules: CaseRules) -> None:
    if not isinstance(applicant, dict):
        raise Invalid("applicant", "must be an object")
    _string(applicant, "name", "applicant.name")
    id_type = applicant.get("id_type")
    if id_type not in ID_TYPES:
        raise Invalid("applicant.id_type", "must be one of " + ", ".join(ID_TYPES))
    number = _string(applicant, "id_number", "applicant.id_number")
    if id_type == "resident_id" and not rules.resident_id_valid(number):
        raise Invalid(
            "applicant.id_number", "is not a valid resident ID number (GB 11643 check digit)"
        )
    if id_type != "resident_id" and not _OTHER_ID.match(number):
        raise Invalid("applicant.id_number", "must be 8 to 20 digits or capital letters")
    phone = applicant.get("phone")
    if phone is not None and (not isinstance(phone, str) or not _PHONE.match(phone)):
        raise Invalid("applicant.phone", "must be a mobile (11 digits) or landline number, or null")
    address = applicant.get("address")
    if address is not None and not isinstance(address, str):
        raise Invalid("applicant.address", "must be a string or null")


def _check_attachments(attachments: Any, materials: set[str]) -> set[str]:
    if not isinstance(attachments, list):
        raise Invalid("attachments", "must be a list")
    ids: set[str] = set()
    for i, a in enumerate(attachments):
        where = f"attachments[{i}]"
        if not isinstance(a, dict):
            raise Invalid(where, "must be an object")
        if not is_uuid(a.get("id")) or a["id"] in ids:
            raise Invalid(f"{where}.id", "must be a UUID, each attachment its own")
        ids.add(a["id"])
        material = a.get("material_code")
        if material is not None and material not in materials:
            raise Invalid(f"{where}.material_code", f"{material!r} is not a material of the item")
        if not isinstance(a.get("media_type"), str) or "/" not in a["media_type"]:
            raise Invalid(f"{where}.media_type", "must be a media type such as image/jpeg")
        size = a.get("size")
        if not _is_int(size) or not 0 <= size <= MAX_UPLOAD_BYTES:
            raise Invalid(f"{where}.size", f"must be a byte count up to {MAX_UPLOAD_BYTES}")
        if not isinstance(a.get("sha256"), str) or not _SHA256.match(a["sha256"]):
            raise Invalid(f"{where}.sha256", "must be 64 lower-case hex characters")
    return ids


def _check_agent(agent: Any, attachments: set[str], item: dict[str, Any], rules: CaseRules) -> None:
    if not isinstance(agent, dict):
        raise Invalid("agent", "must be an object for channel agent")
    if not item.get("agent_allowed", False):
        raise Invalid("channel", f"{item['code']} cannot be applied for through an agent")
    agent_id = _string(agent, "agent_id", "agent.agent_id")
    if not rules.agent_known(agent_id):
        raise Invalid("agent.agent_id", f"{agent_id} is not an agent account")
    _string(agent, "name", "agent.name")
    auth = agent.get("authorization")
    if not isinstance(auth, dict):
        raise Invalid("agent.authorization", "must be an object")
    method = auth.get("method")
    if method not in AUTHORIZATION_METHODS:
        raise Invalid("agent.authorization.method", "must be " + " or ".join(AUTHORIZATION_METHODS))
    _timestamp(auth, "signed_at", "agent.authorization.signed_at")
    attachment = auth.get("attachment_id")
    if method == "signature" and attachment not in attachments:
        raise Invalid(
            "agent.authorization.attachment_id", "must name one of the case's attachments"
        )
    if attachment is not None and attachment not in attachments:
        raise Invalid(
            "agent.authorization.attachment_id", "must be null or one of the case's attachments"
        )


def _check_form(form: Any, item: dict[str, Any], rules: CaseRules) -> None:
    if not isinstance(form, dict):
        raise Invalid("form", "must be an object")
    fields = {f["name"]: f for f in item.get("form", [])}
    for name in form:
        if name not in fields:
            raise Invalid(f"form.{name}", f"is not a field of {item['code']}")
    for name, field in fields.items():
        value = form.get(name)
        where = f"form.{name}"
        if value is None or value == "":
            if field.get("required"):
                raise Invalid(where, "is required")
            continue
        _check_value(field, value, where, rules)


def _check_value(field: dict[str, Any], value: Any, where: str, rules: CaseRules) -> None:
    kind = field.get("type")
    if kind == "number":
        if isinstance(value, bool) or not (
            isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.match(value))
        ):
            raise Invalid(where, "must be a number")
        return
    if not isinstance(value, str):
        raise Invalid(where, "must be a string")
    if kind == "phone" and not _PHONE.match(value):
        raise Invalid(where, "must be a mobile (11 digits) or landline number")
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            raise Invalid(where, "must be a date YYYY-MM-DD") from None
    if kind == "choice" and value not in field.get("options", []):
        raise Invalid(where, "must be one of " + ", ".join(field.get("options", [])))
    if kind == "id_number" and not rules.resident_id_valid(value):
        raise Invalid(where, "is not a valid resident ID number (GB 11643 check digit)")


def _check_result_delivery(delivery: Any, item: dict[str, Any]) -> None:
    where = "result_delivery"
    if not isinstance(delivery, dict):
        raise Invalid(where, "must be an object")
    method = delivery.get("method")
    if method not in RESULT_DELIVERY_METHODS:
        raise Invalid(f"{where}.method", "must be " + " or ".join(RESULT_DELIVERY_METHODS))
    if method != "post":
        return
    if not item.get("postal_delivery", False):
        raise Invalid(f"{where}.method", f"{item['code']} does not allow postal delivery")
    phone = delivery.get("phone")
    if not isinstance(phone, str) or not _PHONE.match(phone):
        raise Invalid(f"{where}.phone", "must be a mobile (11 digits) or landline number")
    source = delivery.get("address_source")
    if source not in ADDRESS_SOURCES:
        raise Invalid(f"{where}.address_source", "must be one of " + ", ".join(ADDRESS_SOURCES))
    address = delivery.get("address")
    if source == "at_counter":
        if address is not None:
            raise Invalid(f"{where}.address", "must be null when given at the counter")
    elif not isinstance(address, str) or not address.strip():
        raise Invalid(f"{where}.address", "must be a non-empty string")
    region = delivery.get("region_code")
    if region is not None and not (isinstance(region, str) and re.match(r"^\d{6}$", region)):
        raise Invalid(f"{where}.region_code", "must be a 6-digit region code or null")


def check_rating(body: dict[str, Any]) -> None:
    """A rating: target, level 1..5, reasons, comment; a low level needs a reason or comment."""
    target = body.get("target")
    if not isinstance(target, dict) or target.get("type") not in RATING_TARGETS:
        raise Invalid("target.type", "must be " + " or ".join(RATING_TARGETS))
    if not is_uuid(target.get("id")):
        raise Invalid("target.id", "must be a UUID")
    level = body.get("level")
    if not _is_int(level) or not 1 <= level <= 5:
        raise Invalid("level", "must be an integer from 1 to 5")
    reasons = body.get("reasons")
    if not isinstance(reasons, list) or not all(isinstance(r, str) and r for r in reasons):
        raise Invalid("reasons", "must be a list of reason codes")
    comment = body.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise Invalid("comment", "must be a string or null")
    if level <= 2 and not reasons and not (comment or "").strip():
        raise Invalid("reasons", "a level of 1 or 2 needs at least one reason or a comment")
    _timestamp(body, "rated_at")


def check_unsolved_report(body: dict[str, Any]) -> None:
    """A report of something that could not be done (办不成事)."""
    _string(body, "description")
    for key in ("item_code", "contact_phone"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise Invalid(key, "must be a string or null")
    phone = body.get("contact_phone")
    if phone and not _PHONE.match(phone):
        raise Invalid("contact_phone", "must be a mobile (11 digits) or landline number, or null")
    _timestamp(body, "reported_at")


def check_ticket_event(body: dict[str, Any]) -> None:
    """A queue ticket event, for statistics."""
    if not is_uuid(body.get("ticket_id")):
        raise Invalid("ticket_id", "must be a UUID")
    _string(body, "ticket_no")
    _string(body, "service_code")
    if body.get("event") not in TICKET_EVENTS:
        raise Invalid("event", "must be one of " + ", ".join(TICKET_EVENTS))
    _timestamp(body, "at")
    if body.get("counter") is not None and not isinstance(body["counter"], str):
        raise Invalid("counter", "must be a string or null")
    if not isinstance(body.get("priority"), bool):
        raise Invalid("priority", "must be true or false")
    if "channel" in body and body["channel"] not in TICKET_CHANNELS:  # an extension
        raise Invalid("channel", "must be one of " + ", ".join(TICKET_CHANNELS))


def check_audit_event(body: dict[str, Any]) -> None:
    """An entry of a device's audit log (an extension): sound, and its SM3 hash matches."""
    problem = audit_chain.body_problem(body)
    if problem is not None:
        raise Invalid(*problem)
    _timestamp(body, "at")


def _string(obj: dict[str, Any], key: str, where: str | None = None) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise Invalid(where or key, "must be a non-empty string")
    return value


def _timestamp(obj: dict[str, Any], key: str, where: str | None = None) -> None:
    value = obj.get(key)
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or "T" not in value:
        raise Invalid(where or key, "must be an RFC 3339 time with an offset")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
