"""What every set-up step is: list, test under a timeout, show the result, save only what worked.

The technician screens render these and nothing else::

    step = IdCardSetup(SiteFile("/etc/bianmin/site.toml"))
    for candidate in step.candidates():          # what is there: ports, printers, cards...
        show(candidate.label, candidate.detail, candidate.current)
    finding = step.test(candidate.id, progress=show_line)   # blocking: run it off the UI thread
    show(messages(finding.key, **finding.params))            # the answer in words
    if finding.ok and technician_taps_save:
        config = step.save(finding)                          # the site file, atomically

A step never changes the site file while testing, and :meth:`SetupStep.save` refuses a
finding that did not work, so a failed test leaves the old setting in force.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from kiosk.config import Config
from kiosk.core.upkeep.errors import UpkeepError
from kiosk.core.upkeep.ports import PortListing
from kiosk.core.upkeep.site_file import SiteFile

Progress = Callable[[str, Mapping[str, Any]], None]
"""Called with a catalogue key and its parameters while a test runs (e.g. "found, place a card")."""


class SetupError(UpkeepError):
    """A set-up step was asked for something it cannot do (save a test that failed)."""

    key = "setup.save_refused"


@dataclass(frozen=True)
class Candidate:
    """One thing a step can set up: a port, a printer, a sound card, the current link."""

    id: str  # what to pass to test()
    label: str  # the line a technician reads first
    detail: str = ""  # the device behind it, USB id, description
    current: bool = False  # the setting in force now


@dataclass(frozen=True)
class Finding:
    """The result of a test: a sentence (catalogue key and parameters) and, when it worked,
    the settings to save (dotted site-file keys)."""

    ok: bool
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    detail: str = ""  # English, precise: for the technician and the log
    settings: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[tuple[str, Mapping[str, Any]], ...] = ()  # further sentences (warnings)


class SetupStep:
    """Base of the set-up steps: the site file, the current configuration, saving."""

    name: ClassVar[str] = ""
    title_key: ClassVar[str] = ""

    def __init__(self, site: SiteFile) -> None:
        self.site = site

    def config(self) -> Config:
        """The configuration in force."""
        return self.site.load()

    def candidates(self) -> list[Candidate]:
        """What there is to choose from (may be empty: the technician types the value)."""
        return []

    def test(self, candidate_id: str, progress: Progress | None = None, **options: Any) -> Finding:
        """Talk to the candidate under a timeout; never changes the site file."""
        raise NotImplementedError

    def save(self, finding: Finding) -> Config:
        """Write what a successful test found into the site file; the new configuration."""
        if not finding.ok or not finding.settings:
            raise SetupError(
                f"{self.name}: only a test that worked is saved ({finding.key})", step=self.name
            )
        return self.site.update(finding.settings)


def port_candidates(listing: PortListing, current: str) -> list[Candidate]:
    """Every serial port by its stable name, the one set now (``current``) marked."""
    return [Candidate(p.stable, p.label, p.device, current in p.names()) for p in listing.ports()]


def report(progress: Progress | None, key: str, **params: Any) -> None:
    """Tell the screen where a test stands (no-op without a listener)."""
    if progress is not None:
        progress(key, params)
