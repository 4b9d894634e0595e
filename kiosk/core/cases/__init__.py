"""Cases (办件): drafts, materials and attachments, submission to the outbox, progress.

A case is a draft until it is submitted; submitting freezes a revision and writes its
``case`` outbox record (body exactly as contract section 3) in the same transaction.
Attachment files are sealed by the vault, written and fsynced into
``<data_dir>/attachments/`` (and the directory fsynced) before the row naming them
commits. The applicant, form values and agent are kept sealed; a person's cases are
found through the vault's keyed digest of the ID number, never the number itself.

Modules by job: ``model`` (what a case is), ``applicant`` (who applies, from a card or a
keyed number), ``delivery`` (窗口自取 or 邮寄送达), ``records`` / ``drafts`` / ``attachments`` / ``submission`` / ``bundles``
(the service's jobs, joined in ``service``), ``files`` (sealed files at rest), ``status``
(the platform's status changes and the timeline), ``errors`` and ``schema``.
"""

from kiosk.core.cases.applicant import Applicant, applicant_from_card, keyed_applicant
from kiosk.core.cases.attachments import CONSENT_MATERIAL
from kiosk.core.cases.delivery import PostNotOffered, ResultDelivery
from kiosk.core.cases.errors import (
    AgentNotAllowed,
    AttachmentRejected,
    AuthorizationMissing,
    CaseError,
    ItemUnavailable,
    MaterialsMissing,
    NotADraft,
    NotRevisable,
    UnknownCase,
)
from kiosk.core.cases.model import (
    AgentRef,
    Attachment,
    BundleApplication,
    Case,
    CaseSummary,
    MaterialCheck,
)
from kiosk.core.cases.service import CaseService
from kiosk.core.cases.status import TimelineEntry, apply_case_status
from kiosk.core.forms import FormInvalid

__all__ = [
    "CONSENT_MATERIAL",
    "AgentNotAllowed",
    "AgentRef",
    "Applicant",
    "Attachment",
    "AttachmentRejected",
    "AuthorizationMissing",
    "BundleApplication",
    "Case",
    "CaseError",
    "CaseService",
    "CaseSummary",
    "FormInvalid",
    "ItemUnavailable",
    "MaterialCheck",
    "MaterialsMissing",
    "NotADraft",
    "NotRevisable",
    "PostNotOffered",
    "ResultDelivery",
    "TimelineEntry",
    "UnknownCase",
    "applicant_from_card",
    "apply_case_status",
    "keyed_applicant",
]
