"""Why a hall action (staff login, account change) cannot be done: a catalogue key each."""

from __future__ import annotations

from kiosk.core.errors import BianminError


class HallError(BianminError):
    """A hall action cannot be done; ``key`` names the message shown to staff."""

    key = "hall.error"


class LoginRefused(HallError):
    """Unknown staff id, disabled account or wrong PIN (never which of them)."""

    key = "hall.login.refused"


class StaffLocked(HallError):
    """Too many wrong PINs in a row: the account waits before it may try again."""

    key = "hall.login.locked"


class StaffInvalid(HallError):
    """A staff account cannot be made or changed as asked (id, name or PIN malformed)."""

    key = "hall.staff.invalid"


class UnknownStaff(HallError):
    """No staff account has this id."""

    key = "hall.staff.unknown"


class SessionEnded(HallError):
    """The counter session is over (logged out, expired, account disabled)."""

    key = "hall.session.ended"
