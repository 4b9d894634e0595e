"""What every set-up step is: list, test under a timeout, show the result, save only what worked.

The technician screens render these and nothing else::

    step = IdCardSetup(SiteFile("/etc/bianmin/site.toml"))
    for candidate in step.candidates():          # what is there: ports, printers, cards...
        show(candidate.label, candidate.detail, candidate.current)
    for option in step.options():                # what else to give: paper width, a URL...
        show(option.label_key, option.kind, option.choices, option.value)
    finding = step.test(candidate.id, progress=show_line, **values)   # blocking: off the UI
    # thread; it answers within step.limit_s seconds
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
from kiosk.core.upkeep.site_watch import load_running_config

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
    present: bool = True  # False: the setting in force names something not there now
    label_key: str = ""  # a catalogue sentence shown instead of ``label`` (a role, not a port)


@dataclass(frozen=True)
class Option:
    """A value the technician gives a test besides the candidate (a keyword of ``test``).

    ``kind`` is ``choice`` (one of ``choices``, shown as ``choice_key`` with the value),
    ``text`` or ``secret`` (typed; a secret is never shown back, and empty keeps the
    one in force). ``value`` is the one in force now. An ``instead`` option, typed,
    stands in for a candidate (a network printer's address: nothing lists those).
    """

    name: str
    label_key: str
    kind: str = "text"
    choices: tuple[Any, ...] = ()
    value: Any = ""
    choice_key: str = ""  # catalogue key of a choice, given {value}; "" shows the value
    hint_key: str = ""  # catalogue key of what to type, shown in an empty field
    instead: bool = False


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
    pick: ClassVar[bool] = True  # a candidate must be picked to test (else options suffice)
    pick_key: ClassVar[str] = "setup.pick"  # what the list of candidates is headed

    def __init__(self, site: SiteFile) -> None:
        self.site = site

    def config(self) -> Config:
        """The configuration in force: the site file's, or while the site file does not
        load, the last one a kiosk accepted from it (:mod:`~kiosk.core.upkeep.site_watch`)."""
        return load_running_config(self.site.path).config

    def candidates(self) -> list[Candidate]:
        """What there is to choose from (may be empty: the technician types the value)."""
        return []

    def in_force(self) -> str:
        """The setting in force, in one short technical line ("" when nothing is set)."""
        return ""

    def options(self) -> list[Option]:
        """The values a test takes besides the candidate, with the ones in force."""
        return []

    @property
    def limit_s(self) -> float:
        """The longest a test takes (its timeouts added up), for a progress bar."""
        return 30.0

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
    """Every serial port by its stable name, the one set now (``current``) marked; a
    current port that is not there now is listed last, so the technician sees it."""
    found = [Candidate(p.stable, p.label, p.device, current in p.names()) for p in listing.ports()]
    if current and not any(c.current for c in found):
        found.append(Candidate(current, current, "", True, False))
    return found


def report(progress: Progress | None, key: str, **params: Any) -> None:
    """Tell the screen where a test stands (no-op without a listener)."""
    if progress is not None:
        progress(key, params)
