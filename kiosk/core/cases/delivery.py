"""How a case's result reaches the applicant: collected at the counter, or sent by post
(邮寄送达) where the catalogue item allows it (``postal_delivery``, an extension).

A posted result needs an address and a phone number. Villagers cannot type Chinese at
the kiosk, so the address comes from the ID card, or from a place picked province →
city → county with the village group and house number keyed as digits (3组12号), or is
left to be given at the counter (到窗口补充). The choice is kept sealed with the draft
and sent in the case record as ``result_delivery`` (docs/platform-api.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kiosk.core.cases.errors import CaseError
from kiosk.core.forms import ADDRESS_MAX, FieldError, FormInvalid, normalise_phone
from offline_sync.contract import ADDRESS_SOURCES, RESULT_DELIVERY_METHODS

PICKUP, POST = RESULT_DELIVERY_METHODS
ID_CARD, PICKED, AT_COUNTER = ADDRESS_SOURCES
_REGION_CODE = re.compile(r"^\d{6}$")
# The part of an address paper shows: 省 (自治区), 市 (州, 地区, 盟), 县 (区, 旗, 市), as far
# as the address has them, tried longest first.
_PROVINCE, _CITY, _COUNTY = "(?:省|自治区)", "(?:自治州|市|州|地区|盟)", "(?:县|区|旗|市)"
_DISTRICTS = tuple(
    re.compile(p)
    for p in (
        rf"^.+?{_PROVINCE}.+?{_CITY}.+?{_COUNTY}",
        rf"^.+?{_CITY}.+?{_COUNTY}",
        r"^.+?(?:县|区|旗)",
    )
)


class PostNotOffered(CaseError):
    """The item's result cannot be posted (its catalogue entry does not say so)."""

    key = "delivery.not_offered"


@dataclass(frozen=True)
class ResultDelivery:
    """``pickup`` (窗口自取), or ``post`` (邮寄送达) to ``address`` with a ``phone``.

    ``address_source``: ``id_card``, ``picked`` (``region_code`` is the county's; what
    is below it keyed or typed) or ``at_counter`` (no address yet: it is given at the
    counter).
    """

    method: str
    address: str | None = None
    address_source: str | None = None
    region_code: str | None = None
    phone: str | None = None

    @property
    def posted(self) -> bool:
        """True when the result is sent by post."""
        return self.method == POST

    def record(self) -> dict[str, Any]:
        """The case record's ``result_delivery`` (contract extension)."""
        if not self.posted:
            return {"method": PICKUP}
        return {
            "method": POST,
            "address": self.address,
            "address_source": self.address_source,
            "region_code": self.region_code,
            "phone": self.phone,
        }

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> ResultDelivery:
        """Back from :meth:`record`."""
        return cls(
            method=data["method"],
            address=data.get("address"),
            address_source=data.get("address_source"),
            region_code=data.get("region_code"),
            phone=data.get("phone"),
        )


def checked_delivery(delivery: ResultDelivery, postal_allowed: bool) -> ResultDelivery:
    """``delivery`` cleaned (the phone normalised); :class:`PostNotOffered` when the item's
    result cannot be posted, :class:`FormInvalid` naming a wrong part of a posted one."""
    if delivery.method not in RESULT_DELIVERY_METHODS:
        raise CaseError(f"result delivery must be one of {', '.join(RESULT_DELIVERY_METHODS)}")
    if not delivery.posted:
        return ResultDelivery(PICKUP)
    if not postal_allowed:
        raise PostNotOffered("this item's result cannot be posted")
    errors = []
    phone = normalise_phone(delivery.phone or "")
    if phone is None:
        errors.append(FieldError("delivery.phone", "收件电话", "field.phone"))
    source = delivery.address_source
    address = " ".join((delivery.address or "").split()) or None
    if source not in ADDRESS_SOURCES:
        errors.append(FieldError("delivery.address", "邮寄地址", "delivery.address.missing"))
    elif source == AT_COUNTER:
        address = None
    elif not address or len(address) > ADDRESS_MAX:
        errors.append(FieldError("delivery.address", "邮寄地址", "delivery.address.missing"))
    region = delivery.region_code if source == PICKED else None
    if source == PICKED and not (region and _REGION_CODE.match(region)):
        errors.append(FieldError("delivery.address", "邮寄地址", "delivery.address.missing"))
    if errors:
        raise FormInvalid(errors)
    return ResultDelivery(POST, address, source, region, phone)


def masked_address(address: str | None) -> str:
    """The address as paper shows it: down to the county, the rest hidden
    (``四川省宜宾市翠屏区****``); an address without a county keeps its first six characters."""
    if not address:
        return ""
    for district in _DISTRICTS:
        found = district.match(address)
        if found:
            keep = found.group(0)
            break
    else:
        keep = address[:6]
    return keep + "****" if len(keep) < len(address) else keep
