"""Fixtures of the flow tests: real services on a store file, a virtual printer on TCP, the
simulator's sample ID cards; no Kivy.

Import explicitly: ``from tests.flows_fixtures import flows, printer, services  # noqa: F401``.
"""

from __future__ import annotations

import pytest

from devices.idcard import IdCard, load_cards
from devices.printer import PAPER_80
from devices.printer.virtual import VirtualPrinter
from kiosk.app import build_app
from kiosk.config import load_config
from kiosk.core.flows import FieldErrors, Flows, needs_services, quick_answer
from kiosk.core.messages import Messages
from kiosk.resources import data_path
from tests.conftest import write_site

SAMPLE_CARDS = load_cards(data_path("assets") / "sim" / "cards.toml")
ELDER, YOUNGER = SAMPLE_CARDS[0], SAMPLE_CARDS[1]  # 王建国 (1958), 李秀芳 (1986)
MESSAGES = Messages("zh_CN", strict=True)


def card_of_kind(kind: str) -> IdCard:
    """The simulator's sample card of this kind (resident, J, I, Y)."""
    return next(card for card in SAMPLE_CARDS if card.kind.value == kind)


@pytest.fixture(name="printer")
def printer_fixture(tmp_path):
    """A virtual ESC/POS printer on 127.0.0.1 keeping each job's text."""
    with VirtualPrinter(PAPER_80, tmp_path / "paper") as printer:
        yield printer


@pytest.fixture(name="services")
def services_fixture(tmp_path, clock, printer):
    """The services of a kiosk site printing on the virtual printer, on the manual clock."""
    host, port = printer.listen()
    site = write_site(tmp_path, f'\n[devices.printer]\nurl = "tcp://{host}:{port}"\n')
    services = build_app(load_config(site), clock)
    yield services
    services.close()


@pytest.fixture(name="flows")
def flows_fixture(services, clock) -> Flows:
    return Flows(services.config, MESSAGES, clock)


def step(method, services, *args):
    """Call a flow's step method as a front-end does: its quick answer first, else with the
    services; the answer must be the same either way."""
    quick = quick_answer(method, *args) if needs_services(method) else None
    if quick is not None:
        assert method(services, *args) == quick
        return quick
    return method(services, *args) if needs_services(method) else method(*args)


def refused(result) -> list[tuple[str, str]]:
    """The (field, message) pairs of field errors, with each message in words."""
    assert isinstance(result, FieldErrors), result
    return [(e.field, MESSAGES.get(e.key, **e.params())) for e in result.errors]
