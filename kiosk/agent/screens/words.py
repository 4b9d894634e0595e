"""How cases, reminders and villagers read on the tablet: one place for the list rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devices.idcard.idnumber import mask_id_number

Words = Callable[..., str]

_STATUS_ROLES = {
    "needs_correction": "danger",
    "rejected": "danger",
    "completed": "success",
    "accepted": "primary",
    "in_progress": "primary",
}


def case_tag(t: Words, line: Any) -> tuple[str, str]:
    """The tag of a case (its state in the agent's words) and the tag's colour role."""
    if line.state == "draft":
        return t(
            "agent.ui.state.correction" if line.is_correction else "agent.ui.state.draft"
        ), "secondary"
    if line.delivery == "dead":
        return t("agent.ui.state.dead"), "danger"
    if line.delivery != "delivered":
        return t("agent.ui.state.unsent"), "secondary"
    status = line.status or "received"
    return t(f"agent.status.{status}"), _STATUS_ROLES.get(status, "success")


def case_row(t: Words, line: Any) -> dict[str, Any]:
    """A case as a row of a list."""
    tag, role = case_tag(t, line)
    when = (line.submitted_at or line.updated_at or "")[:10]
    detail = f"{line.applicant_name} · {mask_id_number(line.id_number)} · {when}"
    if line.case_no:
        detail += f" · {line.case_no}"
    return {
        "title": line.item_name,
        "detail": detail,
        "tag": tag,
        "tag_role": role,
        "key": line.case_id,
    }


def reminder_row(t: Words, reminder: Any) -> dict[str, Any]:
    """A reminder as a row: the case, and why it is here."""
    line = reminder.line
    values = {"days": reminder.days, "reason": line.reason or ""}
    return {
        "title": f"{line.item_name} · {line.applicant_name}",
        "detail": t(f"agent.reminder.{reminder.kind}", **values),
        "tag": t(f"agent.ui.reminder_tag.{reminder.kind}"),
        "tag_role": "danger" if reminder.kind in ("correction", "overdue") else "secondary",
        "key": line.case_id,
    }


def villager_row(villager: Any) -> dict[str, Any]:
    """A villager as a row."""
    detail = mask_id_number(villager.id_number)
    if villager.phone:
        detail += f" · {villager.phone[:3]}****{villager.phone[-4:]}"
    return {"title": villager.name, "detail": detail, "key": villager.villager_id}
