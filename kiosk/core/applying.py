"""The kiosk's 我要办 steps that need no screen: who applies, the receipt, the receipt's QR.

The receipt QR carries a progress link ``<platform url>/progress/<case id>`` (or
``bianmin:case:<case id>`` on a site without a platform URL); 进度查询 accepts either when
the villager scans it at the kiosk's QR scanner.
"""

from __future__ import annotations

import re
from datetime import datetime

from kiosk.config import Config
from kiosk.core.receipts import AcceptanceReceipt
from kiosk.core.session import Applicant

_CASE_LINK = re.compile(
    r"(?:/progress/|^bianmin:case:)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)
_ID_TYPES = {"J": "hk_mo_tw_residence", "I": "foreign_permanent", "Y": "foreign_permanent"}


def applicant_from_card(card) -> Applicant:
    """The applicant read from an ID card (any of the four card kinds)."""
    return Applicant(
        id_number=card.id_number,
        name=card.name,
        gender=card.gender,
        address=getattr(card, "address", "") or "",
        id_type=_ID_TYPES.get(card.kind.value, "resident_id"),
        from_card=True,
    )


def applicant_record(applicant: Applicant, unverified_name: str) -> dict[str, str | None]:
    """The applicant as the case service takes it (contract section 3 keys).

    A number typed on the pad has no name with it: ``unverified_name`` (a catalogue
    sentence such as 待窗口核实) stands in until staff check the card at the counter.
    """
    return {
        "name": applicant.name or unverified_name,
        "id_type": applicant.id_type,
        "id_number": applicant.id_number,
        "phone": None,
        "address": applicant.address or None,
    }


def progress_link(config: Config, case_id: str) -> str:
    """The link in a receipt's QR code that finds the case again."""
    base = config.platform.url.rstrip("/")
    return f"{base}/progress/{case_id}" if base else f"bianmin:case:{case_id}"


def case_id_from_scan(text: str) -> str | None:
    """The case id in a scanned receipt QR (see :func:`progress_link`), or None."""
    match = _CASE_LINK.search(text.strip())
    return match.group(1) if match else None


def receipt_for(
    case, promised_days: int, config: Config, accepted_at: datetime
) -> AcceptanceReceipt:
    """The acceptance receipt (受理回执) of a case just submitted (``promised_days``: the
    item's promised working days)."""
    summary = case.summary
    return AcceptanceReceipt(
        case_id=summary.case_id,
        case_no=summary.case_no,
        item_name=summary.item_name,
        applicant_name=summary.applicant_name,
        applicant_id_number=summary.id_number,
        materials=[m.name for m in case.materials if m.checked or m.attachments],
        accepted_at=accepted_at,
        promised_days=promised_days,
        promised_date=summary.promised_date or accepted_at.date(),
        progress_url=progress_link(config, summary.case_id),
    )
