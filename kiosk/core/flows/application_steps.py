"""The steps of 我要办, as a front-end shows them (personal data unmasked: mask at the edge),
and the receipt built from a submitted case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from devices.idcard.idnumber import mask_id_number
from kiosk.config import Config
from kiosk.core.cases import Case, MaterialCheck
from kiosk.core.cases.stage import on_platform
from kiosk.core.catalogue import FormField
from kiosk.core.flows.base import Step
from kiosk.core.flows.delivery import result_line
from kiosk.core.flows.progress import progress_link
from kiosk.core.flows.rating import RatingTarget
from kiosk.core.forms import KeyedEntry
from kiosk.core.messages import Messages
from kiosk.core.next_steps import after_receipt, service_for_theme
from kiosk.core.receipts import CaseReceipt
from kiosk.core.regions import Region
from kiosk.core.wording import listed, name_checked
from offline_sync.contract import AUTHORIZATION_METHODS

if TYPE_CHECKING:  # printing needs the printer's drivers; a tablet has none
    from kiosk.core.printing import PrintResult


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
    """是我本人 / 不是我: the name on the card (empty for a keyed number: no name is known
    until staff check the card) and the ID number."""

    name: str
    id_number: str
    from_card: bool

    @property
    def masked_id_number(self) -> str:
        """The number as the screen shows it (``5107**********2620``)."""
        return mask_id_number(self.id_number)


@dataclass(frozen=True, kw_only=True)
class FieldStep(Step):
    """One field of the form, ``index`` of ``total`` fields (its page of ``pages``).

    ``value`` is what the field holds: empty until the person chooses or keys something
    (nothing is chosen for them). ``options``: a choice field's options, or the choices of
    a field that is the applicant's own address (the card's address, then
    ``at_counter``). A field naming a place is picked province → city → county:
    ``places`` are the buttons of the level reached and ``place_path`` what was tapped so
    far. ``entry``: the keypad of a keyed field; ``at_counter``: offered instead of keying
    (a text field), else empty. ``today``: where a date picker starts.
    """

    item_name: str
    field: FormField
    index: int
    total: int
    value: str
    options: tuple[str, ...]
    entry: KeyedEntry | None
    at_counter: str
    today: date
    places: tuple[Region, ...] = ()
    place_path: tuple[Region, ...] = ()

    @property
    def picks_place(self) -> bool:
        """True for a field naming a place (picked 省 → 市 → 县)."""
        return self.field.type == "address" and not self.options


@dataclass(frozen=True, kw_only=True)
class MaterialsStep(Step):
    """Tick the materials brought along (a line's ``code`` is what to send back ticked);
    ``missing``: the required ones not ticked when 下一步 or 确认提交 was tapped."""

    item_name: str
    materials: tuple[MaterialCheck, ...]
    missing: tuple[str, ...] = ()


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
    """Everything once more before 确认提交 (``applicant_name`` empty: no card was read)."""

    item_name: str
    applicant_name: str
    id_number: str
    lines: tuple[ReviewLine, ...]
    materials: tuple[str, ...]

    @property
    def masked_id_number(self) -> str:
        """The number as the screen shows it (``5107**********2620``)."""
        return mask_id_number(self.id_number)


@dataclass(frozen=True, kw_only=True)
class ReceiptStep(Step):
    """Submitted: a receipt per case (one, or each item of a bundle) and its print result
    (none for an agent's application: a tablet has no receipt printer)."""

    receipts: tuple[CaseReceipt, ...]
    prints: tuple[PrintResult, ...]

    @property
    def receipt(self) -> CaseReceipt:
        """The (first) receipt."""
        return self.receipts[0]

    @property
    def printed(self) -> PrintResult:
        """What became of the (first) receipt's paper."""
        return self.prints[0]

    @property
    def served(self) -> RatingTarget:
        """The (first) case, as a rating's target: the service and the day it was applied for."""
        receipt = self.receipt
        return RatingTarget(
            "case",
            receipt.case_id,
            receipt.reference,
            receipt.item_name,
            receipt.submitted_at.date(),
        )


def _to_bring(m: MaterialCheck, original: str, copy: str) -> str:
    kinds = [original] * bool(m.originals) + [copy] * bool(m.copies)
    return f"{m.name}（{'、'.join(kinds)}）" if kinds else m.name


def receipt_for(case: Case, config: Config, theme: str, messages: Messages) -> CaseReceipt:
    """The receipt (申请回执) of a submitted case, from what was stored: its short reference,
    its submission time, where it stands (saved until the platform has it), the promised
    date once the platform has it, what to bring to the counter (the materials needed or
    ticked: the kiosk took none) and the next steps for the item's ``theme`` (first, for a
    number keyed without a card: the card is checked at the counter)."""
    summary = case.summary
    words = (messages.get("guide.item.original"), messages.get("guide.item.copy"))
    if summary.submitted_at is None or summary.reference is None:
        raise ValueError(f"case {summary.case_id} is not submitted: it has no receipt")
    stage = summary.stage
    sent = on_platform(stage)
    return CaseReceipt(
        case_id=summary.case_id,
        reference=summary.reference,
        case_no=summary.case_no,
        item_name=summary.item_name,
        applicant_name=summary.applicant_name,
        applicant_id_number=summary.id_number,
        phone=case.form.get("phone") or case.applicant.get("phone"),
        submitted_at=datetime.fromisoformat(summary.submitted_at),
        stage=stage,
        promised_days=summary.promised_days,
        promised_date=summary.promised_date if sent else None,
        bring=[_to_bring(m, *words) for m in case.materials if m.required or m.checked],
        next_steps=after_receipt(
            config,
            theme,
            summary.reference,
            sent,
            summary.promised_days,
            result_line(case.result_delivery, listed(service_for_theme(config, theme).counters)),
            card_read=name_checked(summary.applicant_name, messages),
        ),
        result_delivery=case.result_delivery,
        progress_url=progress_link(config, summary.case_id),
    )
