"""Fixtures of the agent mode tests: a tablet's services on a real store file, agent
accounts as the platform's feed brings them, a logged-in agent's desk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.app import AgentServices, build_agent
from kiosk.config import load_config
from kiosk.core.agents import AgentDesk, AgentLogin, AgentSession
from kiosk.core.appliers import appliers
from kiosk.core.pins import hash_pin
from tests.clocks import ManualClock
from tests.conftest import write_site

AGENT_SITE = """
[ui]
mode = "agent"

[agent]
key_scrypt_n = 1024
camera = "sim"
"""

SIMPLE_ITEM = "511500-0101-10"  # 养老保险待遇领取资格认证: 身份证 (M01) and a phone, an address
TWO_PHOTOS_ITEM = "511500-0101-01"  # 养老保险参保登记: 身份证 (M01), 户口簿 (M02)
KIOSK_ONLY_ITEM = "511500-0501-01"


def account(agent_id: str, name: str, pin: str, *, active: bool = True) -> dict:
    """An ``agent_account`` change as the platform sends it (a cheap scrypt, for speed)."""
    return {
        "agent_id": agent_id,
        "name": name,
        "active": active,
        "villages": ["511502101201"],
        "pin": hash_pin(pin, n=1024),
    }


@dataclass
class Tablet:
    """An agent's tablet: the site's services and the login."""

    services: AgentServices
    login: AgentLogin
    clock: ManualClock
    data_dir: Path

    def feed(self, *changes: dict) -> None:
        """Apply ``agent_account`` changes as a pull would."""
        apply = appliers(self.services.vault)["agent_account"]
        with self.services.store.transaction() as conn:
            for change in changes:
                apply(conn, change)

    def desk(self, session: AgentSession) -> AgentDesk:
        """The logged-in agent's desk."""
        return self.services.desk(session)

    def log_in(self, agent_id: str, pin: str, **options: object) -> AgentDesk:
        """Log in and give the desk."""
        return self.desk(self.login.log_in(agent_id, pin, **options))


def make_tablet(tmp_path: Path, clock: ManualClock | None = None, extra: str = "") -> Tablet:
    """A tablet on ``tmp_path`` with the seed catalogue and two agents: A-0001 (PIN 135790),
    A-0002 (PIN 246801)."""
    clock = clock or ManualClock()
    config = load_config(write_site(tmp_path, AGENT_SITE + extra))
    services = build_agent(config, clock, background=False)
    tablet = Tablet(services, services.login, clock, config.data_dir)
    tablet.feed(account("A-0001", "李代办", "135790"), account("A-0002", "罗代办", "246801"))
    return tablet


@pytest.fixture
def tablet(tmp_path: Path):
    t = make_tablet(tmp_path)
    yield t
    t.services.close()
