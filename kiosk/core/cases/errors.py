"""What can go wrong with a case; each error's ``key`` names the message shown to people
(``kiosk/locale/zh_CN/LC_MESSAGES/cases.po``)."""

from __future__ import annotations

from collections.abc import Iterable


class CaseError(Exception):
    """A case action cannot be done; ``key`` names the message shown to people."""

    key = "case.error"


class UnknownCase(CaseError, KeyError):
    """No case has this id."""

    key = "case.unknown"

    def __str__(self) -> str:
        return f"no case {self.args[0]!r}"


class NotADraft(CaseError):
    """The case was submitted; it cannot be changed until a new revision is started."""

    key = "case.not_a_draft"


class NotRevisable(CaseError):
    """A new revision is accepted only while the platform status is received or needs_correction."""

    key = "case.not_revisable"


class ItemUnavailable(CaseError):
    """The item is no longer in the catalogue, or is a bundle where a single item is needed."""

    key = "case.item_unavailable"


class AgentNotAllowed(CaseError):
    """This item cannot be applied for by a proxy agent (代办)."""

    key = "case.agent_not_allowed"


class AuthorizationMissing(CaseError):
    """An agent's case needs the applicant's authorization (signature or ID card present)."""

    key = "case.authorization_missing"


class MaterialsMissing(CaseError):
    """Required materials are neither attached nor confirmed; ``names`` lists them."""

    key = "case.materials_missing"

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(names)
        super().__init__("missing materials: " + ", ".join(self.names))


class AttachmentRejected(CaseError):
    """The file is too large, empty, or of a type the platform does not take."""

    key = "case.attachment_rejected"
