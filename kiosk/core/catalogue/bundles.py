"""One materials list and one form for the items of a 一件事一次办 bundle."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kiosk.core.catalogue.model import FormField, Item, MergedMaterial
from kiosk.core.catalogue.search_text import normalise


def merge_materials(items: Iterable[Item]) -> tuple[MergedMaterial, ...]:
    """One list of materials for several items: the same material (by name) is asked once,
    with the most originals and copies any item wants, required if any item requires it."""
    merged: dict[str, dict[str, Any]] = {}
    for item in items:
        for m in item.materials:
            key = normalise(m.name)
            entry = merged.setdefault(
                key, {"name": m.name, "originals": 0, "copies": 0, "required": False, "used_by": []}
            )
            entry["originals"] = max(entry["originals"], m.originals)
            entry["copies"] = max(entry["copies"], m.copies)
            entry["required"] = entry["required"] or m.required
            entry["used_by"].append((item.code, m.code))
    return tuple(
        MergedMaterial(e["name"], e["originals"], e["copies"], e["required"], tuple(e["used_by"]))
        for e in merged.values()
    )


def merge_forms(items: Iterable[Item]) -> tuple[FormField, ...]:
    """One form for several items: a field name asked once (required if any item requires it)."""
    fields: dict[str, FormField] = {}
    for item in items:
        for f in item.form:
            seen = fields.get(f.name)
            if seen is None:
                fields[f.name] = f
            elif f.required and not seen.required:
                fields[f.name] = FormField(f.name, seen.label, seen.type, True, seen.options)
    return tuple(fields.values())
