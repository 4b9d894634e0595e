"""Pure queue rules both the local queue and a hall client apply: opening hours, green channel.

A hall client checks the age priority on its own box, so the villager's ID number
never leaves the kiosk that read the card; the server trusts the signed reason.
"""

from __future__ import annotations

from datetime import date, datetime, time

from devices.idcard.idnumber import age_on, is_valid_id_number
from kiosk.config import Hours
from kiosk.core.queue.errors import InvalidIdNumber, NotEligible
from kiosk.core.queue.model import ELDERLY_AGE, Priority


def is_open(hours: Hours, local: datetime) -> bool:
    """True when ``local`` (a time in the site's zone) is inside opening hours on an opening day."""
    if local.isoweekday() not in hours.days:
        return False
    opens = time.fromisoformat(hours.open)
    if hours.close == "24:00":
        return local.time() >= opens
    return opens <= local.time() < time.fromisoformat(hours.close)


def priority_for(
    priority: Priority | str | None, id_number: str | None, today: date
) -> Priority | None:
    """The green-channel reason a ticket gets.

    ``age`` needs the holder's ``id_number`` showing 65 or over on ``today``; an ID
    number alone grants it when the age holds. Raises :class:`InvalidIdNumber` or
    :class:`NotEligible`.
    """
    reason = Priority(priority) if priority else None
    if id_number and not is_valid_id_number(id_number):
        raise InvalidIdNumber("the ID number fails the GB 11643 check")
    elderly = bool(id_number and age_on(id_number.upper(), today) >= ELDERLY_AGE)
    if reason is Priority.AGE and not elderly:
        raise NotEligible("the age priority needs an ID number of someone aged 65 or over")
    if reason is None and elderly:
        reason = Priority.AGE
    return reason
