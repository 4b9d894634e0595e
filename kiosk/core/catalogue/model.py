"""What the catalogue holds: items with their materials and form, bundles, search hits, themes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

BUNDLE_THEME = "一件事一次办"
THEME_ORDER = ("社会保障", "医疗保障", "民政", "残疾人", "户籍", "农业", "住房", BUNDLE_THEME)


class MatchKind(IntEnum):
    """How a search hit matched, best first."""

    EXACT = 0
    PREFIX = 1
    NAME = 2
    INITIALS_PREFIX = 3
    INITIALS = 4
    CONTENT = 5


@dataclass(frozen=True)
class Material:
    """One material (申请材料) of an item."""

    code: str
    name: str
    originals: int
    copies: int
    required: bool


@dataclass(frozen=True)
class FormField:
    """One field of an item's application form."""

    name: str
    label: str
    type: str
    required: bool
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    """A catalogue item, as the platform describes it (contract section 6)."""

    code: str
    version: int
    name: str
    department: str
    theme: str
    audience: str
    promised_days: int
    legal_days: int
    fee: str
    agent_allowed: bool
    reach: tuple[str, ...]
    conditions: tuple[str, ...]
    materials: tuple[Material, ...]
    form: tuple[FormField, ...]
    bundle_items: tuple[str, ...]
    postal_delivery: bool = False  # the result may be posted (邮寄送达, an extension)

    @property
    def is_bundle(self) -> bool:
        """True for a 一件事一次办 bundle."""
        return bool(self.bundle_items)

    def field(self, name: str) -> FormField:
        """The form field called ``name``; KeyError if there is none."""
        for f in self.form:
            if f.name == name:
                return f
        raise KeyError(name)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Item:
        """The item of a checked contract dict (``offline_sync.contract.check_item``)."""
        return cls(
            code=data["code"],
            version=data["version"],
            name=data["name"],
            department=data["department"],
            theme=data["theme"],
            audience=data["audience"],
            promised_days=data["promised_days"],
            legal_days=data["legal_days"],
            fee=data["fee"],
            agent_allowed=data["agent_allowed"],
            reach=tuple(data["reach"]),
            conditions=tuple(data["conditions"]),
            materials=tuple(
                Material(m["code"], m["name"], m["originals"], m["copies"], m["required"])
                for m in data["materials"]
            ),
            form=tuple(
                FormField(
                    f["name"], f["label"], f["type"], f["required"], tuple(f.get("options", ()))
                )
                for f in data["form"]
            ),
            bundle_items=tuple(data["bundle_items"]),
            postal_delivery=bool(data.get("postal_delivery", False)),
        )


@dataclass(frozen=True)
class SearchHit:
    """One search result, enough for a result list."""

    code: str
    name: str
    theme: str
    department: str
    is_bundle: bool
    match: MatchKind | None = None


@dataclass(frozen=True)
class Theme:
    """A theme (主题) and how many items it holds."""

    name: str
    count: int


@dataclass(frozen=True)
class MergedMaterial:
    """A material of a bundle, asked for once however many of its items need it.

    ``used_by`` pairs each item code with that item's own material code.
    """

    name: str
    originals: int
    copies: int
    required: bool
    used_by: tuple[tuple[str, str], ...]

    def code_for(self, item_code: str) -> str | None:
        """The material code this material has in item ``item_code``, or None if unused there."""
        return dict(self.used_by).get(item_code)


@dataclass(frozen=True)
class Bundle:
    """A 一件事一次办 bundle: its items, one merged materials list, one merged form."""

    item: Item
    items: tuple[Item, ...]
    materials: tuple[MergedMaterial, ...]
    form: tuple[FormField, ...]
