"""Places picked by tapping (省 → 市 → 县), from the region table shipped with the program.

A form field that names a place (就医地, 迁入地, 承包地所在村组...) is never filled from
the applicant's ID card: the villager picks the province, the city and the county with
big buttons. The table (``assets/regions/china.json``, GB/T 2260 codes and names, made
by ``assets/regions/make_table.py``) holds the 31 mainland provinces, Sichuan and its
neighbours first, then where most of Sichuan's migrant workers live; it is found in the
installed package's data. A city with no counties of its own (东莞市) is a place in itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kiosk.resources import data_path

TABLE = "china.json"
LEVELS = ("province", "city", "county")


@dataclass(frozen=True)
class Region:
    """A province, city (or prefecture) or county, by its 6-digit code."""

    code: str
    name: str
    level: str


class RegionTable:
    """The provinces, their cities and the cities' counties."""

    def __init__(self, provinces: list[dict]) -> None:
        self._children: dict[Region, tuple[Region, ...]] = {}
        tops = []
        for p in provinces:
            province = Region(p["code"], p["name"], "province")
            cities = []
            for c in p["cities"]:
                city = Region(c["code"], c["name"], "city")
                counties = tuple(Region(k["code"], k["name"], "county") for k in c["counties"])
                self._children[city] = counties
                cities.append(city)
            self._children[province] = tuple(cities)
            tops.append(province)
        self._provinces = tuple(tops)

    @classmethod
    def load(cls, path: Path | None = None) -> RegionTable:
        """The table shipped with the program (or the one at ``path``)."""
        path = path or data_path("assets") / "regions" / TABLE
        return cls(json.loads(path.read_text(encoding="utf-8"))["provinces"])

    def provinces(self) -> tuple[Region, ...]:
        """Sichuan first, then its neighbours, then the rest."""
        return self._provinces

    def children(self, region: Region, home: str = "") -> tuple[Region, ...]:
        """The cities of a province, the counties of a city; nothing below a county (nor
        below a city without counties). ``home``: a site's 6-digit code, whose own city
        and county come first."""
        children = self._children.get(region, ())
        own = tuple(r for r in children if home and _contains(r, home))
        return own + tuple(r for r in children if r not in own)

    def path_to(self, code: str | None) -> tuple[Region, ...]:
        """The places down to ``code`` from its province (empty when it is not here)."""
        for province in self._provinces:
            for city in self.children(province):
                for place in (city, *self.children(city)):
                    if place.code == code:
                        return (province, city, place)[: 2 + (place is not city)]
        return ()


def _contains(region: Region, code: str) -> bool:
    """True when the region with ``code`` lies in ``region`` (or is it)."""
    kept = {"province": 2, "city": 4, "county": 6}[region.level]
    return region.code[:kept] == code[:kept]


def place_name(chosen: tuple[Region, ...]) -> str:
    """``四川省绵阳市三台县``; a municipality's name once (``重庆市渝中区``)."""
    names: list[str] = []
    for region in chosen:
        if not names or names[-1] != region.name:
            names.append(region.name)
    return "".join(names)
