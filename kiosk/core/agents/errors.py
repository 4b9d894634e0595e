"""What can go wrong for a proxy agent, each error with its message key (``agent.po``)."""

from __future__ import annotations

from kiosk.core.errors import BianminError


class AgentError(BianminError):
    """Base of the agent mode's errors."""

    key = "agent.error"


class UnknownAgent(AgentError):
    """This tablet has no account with this id (not synced yet, or a typing mistake)."""

    key = "agent.login.unknown"


class AccountInactive(AgentError):
    """The platform has deactivated this account."""

    key = "agent.login.inactive"


class WrongPin(AgentError):
    """The PIN is wrong; ``attempts_left`` before the lock, ``erase_in`` before the key wrap is
    erased (shown as a warning once the tries run short)."""

    key = "agent.login.wrong_pin"

    @property
    def warns_of_erase(self) -> bool:
        """True when the next wrong PINs erase this agent's key on this tablet."""
        return bool(self.params.get("erase_in"))


class AgentLocked(AgentError):
    """Too many wrong PINs: locked on this tablet for ``minutes``."""

    key = "agent.login.locked"


class KeyErased(AgentError):
    """The key wrap was erased after too many wrong PINs: the agent must re-enrol online."""

    key = "agent.login.erased"


class PinChanged(AgentError):
    """The PIN was changed on the platform: the old PIN opens this tablet's sealed work."""

    key = "agent.login.pin_changed"


class KeyUnusable(AgentError):
    """The key wrap cannot be opened with a PIN that the platform's hash accepts (the device
    key changed, or the wrap is damaged): a technician's matter."""

    key = "agent.login.key_unusable"


class NotLoggedIn(AgentError):
    """The session was locked or ended; log in again."""

    key = "agent.login.needed"


class VillagerInvalid(AgentError):
    """A villager's details are missing or wrong (``errors`` as a form's)."""

    key = "agent.villager.invalid"


class NotYourCase(AgentError):
    """The case is not this agent's."""

    key = "agent.case.not_yours"


class CardNotApplicant(AgentError):
    """The ID card read for 'ID card present' is not the applicant's."""

    key = "agent.authorization.card_mismatch"


class SignatureEmpty(AgentError):
    """确认 on an empty signature pad."""

    key = "agent.authorization.signature_empty"


class PhotoUnreadable(AgentError):
    """The picture or file cannot be read as an image (or PDF)."""

    key = "agent.photo.unreadable"
