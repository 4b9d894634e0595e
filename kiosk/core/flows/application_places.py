"""我要办, place fields: a place picked province → city → county (四川省绵阳市三台县), for a
form's address field or the delivery's address.
"""

from __future__ import annotations

from kiosk.core.flows.application_draft import ApplicationDraft
from kiosk.core.flows.application_steps import FieldStep
from kiosk.core.flows.delivery import is_delivery
from kiosk.core.regions import Region, place_name


class PlacePages(ApplicationDraft):
    """Picking a place tap by tap (a part of the flow)."""

    def _places(self, name: str) -> tuple[Region, ...]:
        """The buttons of a place field: the provinces, or the children of the last tap (the
        same level again once the place is chosen, to change it); the site's own city and
        county first."""
        path = self.place_paths.get(name, ())
        home = self.config.site.code
        if not path:
            return self.regions.provinces()
        if self._complete(path):
            return self.regions.children(path[-2], home) if len(path) > 1 else ()
        return self.regions.children(path[-1], home)

    def _complete(self, path: tuple[Region, ...]) -> bool:
        """True once a county is tapped, or a city that has no counties (东莞市)."""
        last = path[-1]
        return last.level == "county" or (last.level == "city" and not self.regions.children(last))

    def pick_place(self, name: str, region: Region) -> FieldStep:
        """A province, city or county was tapped on the place field ``name``: the next level,
        or (a county, a city without counties) the place chosen, shown as 四川省绵阳市三台县."""
        if is_delivery(name):
            path = self._tap_place(name, region)
            self.delivery.picked(path if self._complete(path) else ())
            return self._delivery_step(name)
        index = self._index(name)
        path = self._tap_place(name, region)
        if self._complete(path):
            self.values[name] = place_name(path)
        else:
            self.values.pop(name, None)
        return self._field_step(index)

    def _tap_place(self, name: str, region: Region) -> tuple[Region, ...]:
        """The taps of place ``name`` once ``region`` is tapped (kept for the page)."""
        path = self.place_paths.get(name, ())
        if path and path[-1].level == region.level:
            path = path[:-1]  # another county (or city) of the same parent
        path = (*path, region)
        cities = self.regions.children(region) if region.level == "province" else ()
        if len(cities) == 1:  # a municipality (重庆市): its districts straight away
            path = (*path, cities[0])
        self.place_paths[name] = path
        return path

    def place_again(self, name: str) -> FieldStep:
        """重新选择: the place field ``name`` from the provinces again."""
        if is_delivery(name):
            self.place_paths.pop(name, None)
            self.delivery.picked(())
            return self._delivery_step(name)
        self.place_paths.pop(name, None)
        self.values.pop(name, None)
        return self._field_step(self._index(name))
