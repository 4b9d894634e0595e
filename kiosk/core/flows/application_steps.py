"""The steps of 我要办, as a front-end shows them (personal data unmasked: mask at the edge),
and the receipt built from a submitted case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.config import Config
from kiosk.core.cases import Case, MaterialCheck
from kiosk.core.catalogue import FormField
from kiosk.core.flows.base import Step
from kiosk.core.flows.progress import progress_link
from kiosk.core.flows.rating import RatingTarget
from kiosk.core.forms import KeyedEntry
from kiosk.core.printing import PrintResult
from kiosk.core.receipts import AcceptanceReceipt
from offline_sync.contract import AUTHORIZATION_METHODS


@dataclass(frozen=True, kw_only=True)
class CardStep(Step):
    """Place the ID card on the reader (or key the number) to apply for the item."""

    item_code: str
    item_name: str


@dataclass(frozen=True, kw_only=True)
class ChooseApplicantStep(Step):
    """Choose who applies (an agent's villagers); no confirmation follows."""

    item_code: str
    item_name: str


@dataclass(frozen=True, kw_only=True)
class ConfirmStep(Step):
    """是我本人 / 不是我: the name (a keyed number's stand-in name) and the ID number."""

    name: str
    id_number: str
    from_card: bool


@dataclass(frozen=True, kw_only=True)
class FieldStep(Step):
    """One field of the form, ``index`` of ``total``.

    ``value`` is what the field holds (a date field: today until changed). ``options``:
    a choice field's options, or an address field's choices (the card's address, then
    ``at_counter``). ``entry``: the keypad of a keyed field; ``at_counter``: offered
    instead of keying (a text field), else empty.
    """

    item_name: str
    field: FormField
    index: int
    total: int
    value: str
    options: tuple[str, ...]
    entry: KeyedEntry | None
    at_counter: str


@dataclass(frozen=True, kw_only=True)
class MaterialsStep(Step):
    """Tick the materials brought along (a line's ``code`` is what to send back ticked)."""

    item_name: str
    materials: tuple[MaterialCheck, ...]


@dataclass(frozen=True, kw_only=True)
class AuthorizationStep(Step):
    """An agent's case: the applicant authorises the agent (``methods``) before review."""

    item_name: str
    methods: tuple[str, ...] = AUTHORIZATION_METHODS


@dataclass(frozen=True)
class ReviewLine:
    """One form value on the review (``type``: the field's, so a phone can be masked)."""

    label: str
    value: str
    type: str


@dataclass(frozen=True, kw_only=True)
class ReviewStep(Step):
    """Everything once more before 确认提交."""

    item_name: str
    applicant_name: str
    id_number: str
    lines: tuple[ReviewLine, ...]
    materials: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ReceiptStep(Step):
    """Submitted: a receipt per case (one, or each item of a bundle) and its print result."""

    receipts: tuple[AcceptanceReceipt, ...]
    prints: tuple[PrintResult, ...]

    @property
    def receipt(self) -> AcceptanceReceipt:
        """The (first) receipt."""
        return self.receipts[0]

    @property
    def printed(self) -> PrintResult:
        """What became of the (first) receipt's paper."""
        return self.prints[0]

    @property
    def served(self) -> RatingTarget:
        """The (first) case, as a rating's target: its case number, or the start of its id."""
        receipt = self.receipt
        return RatingTarget("case", receipt.case_id, receipt.case_no or receipt.case_id[:8])


def receipt_for(case: Case, config: Config) -> AcceptanceReceipt:
    """The acceptance receipt (受理回执) of a submitted case, from what was stored: its
    submission time, the item's promised working days and the date they give."""
    summary = case.summary
    if summary.submitted_at is None:
        raise ValueError(f"case {summary.case_id} is not submitted: it has no receipt")
    accepted_at = datetime.fromisoformat(summary.submitted_at)
    return AcceptanceReceipt(
        case_id=summary.case_id,
        case_no=summary.case_no,
        item_name=summary.item_name,
        applicant_name=summary.applicant_name,
        applicant_id_number=summary.id_number,
        materials=[m.name for m in case.materials if m.checked or m.attachments],
        accepted_at=accepted_at,
        promised_days=summary.promised_days,
        promised_date=summary.promised_date or accepted_at.date(),
        progress_url=progress_link(config, summary.case_id),
    )
