"""Agent mode (代办): proxy agents' accounts, login and lock-out, their data keys, villagers,
cases, lists and reminders, photos of materials and signatures. See ``docs/agent.md``.

Modules by job: ``accounts`` (the platform's agent accounts), ``keys`` (per-agent data keys
and their PIN wrap, the key ring the sync engine opens them with), ``login`` (PIN checks,
lock-out, erasure), ``desk`` (one logged-in agent's services), ``villagers``, ``worklists``
(草稿 / 待发送 / 已发送), ``reminders``, ``photos``, ``signature``, ``errors``, ``schema``.
"""

from kiosk.core.agents.accounts import AgentAccount, AgentDirectory, apply_agent_account
from kiosk.core.agents.desk import AgentDesk
from kiosk.core.agents.errors import (
    AccountInactive,
    AgentError,
    AgentLocked,
    CardNotApplicant,
    KeyErased,
    KeyUnusable,
    NotLoggedIn,
    NotYourCase,
    PhotoUnreadable,
    PinChanged,
    SignatureEmpty,
    UnknownAgent,
    WrongPin,
)
from kiosk.core.agents.keys import AgentVault, KeyRing
from kiosk.core.agents.login import AgentLogin, AgentSession, LoginState
from kiosk.core.agents.photos import Photo, prepare_photo
from kiosk.core.agents.reminders import Reminder, ReminderKind
from kiosk.core.agents.signature import signature_png
from kiosk.core.agents.villagers import Villager, VillagerBook
from kiosk.core.agents.worklists import Backlog, CaseLine, Worklist, Worklists

__all__ = [
    "AccountInactive",
    "AgentAccount",
    "AgentDesk",
    "AgentDirectory",
    "AgentError",
    "AgentLocked",
    "AgentLogin",
    "AgentSession",
    "AgentVault",
    "Backlog",
    "CardNotApplicant",
    "CaseLine",
    "KeyErased",
    "KeyRing",
    "KeyUnusable",
    "LoginState",
    "NotLoggedIn",
    "NotYourCase",
    "Photo",
    "PhotoUnreadable",
    "PinChanged",
    "Reminder",
    "ReminderKind",
    "SignatureEmpty",
    "UnknownAgent",
    "Villager",
    "VillagerBook",
    "Worklist",
    "Worklists",
    "WrongPin",
    "apply_agent_account",
    "prepare_photo",
    "signature_png",
]
