"""Agent mode (代办): proxy agents' accounts, login and lock-out, their data keys, villagers,
cases, lists and reminders, photos of materials and signatures. See ``docs/agent.md``.

Modules by job: ``accounts`` (the platform's agent accounts), ``keys`` (per-agent data keys
and their PIN wrap, the key ring the sync engine opens them with), ``login`` (PIN checks,
lock-out, erasure), ``desk`` (one logged-in agent's services), ``villagers``, ``worklists``
(草稿 / 待发送 / 已发送), ``reminders``, ``photos``, ``signature``, ``errors``, ``schema``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Names are loaded from their module when first used: the store's migrations and the
# feed's appliers need only the schema and the accounts, not the desk and its flows, so
# every command of the CLI starts without them.
_MODULES = {
    "AgentAccount": "accounts",
    "AgentDirectory": "accounts",
    "apply_agent_account": "accounts",
    "AgentDesk": "desk",
    "AccountInactive": "errors",
    "AgentError": "errors",
    "AgentLocked": "errors",
    "CardNotApplicant": "errors",
    "KeyErased": "errors",
    "KeyUnusable": "errors",
    "NotLoggedIn": "errors",
    "NotYourCase": "errors",
    "PhotoUnreadable": "errors",
    "PinChanged": "errors",
    "SignatureEmpty": "errors",
    "UnknownAgent": "errors",
    "WrongPin": "errors",
    "AgentVault": "keys",
    "KeyRing": "keys",
    "AgentLogin": "login",
    "AgentSession": "login",
    "LoginState": "login",
    "Photo": "photos",
    "prepare_photo": "photos",
    "Reminder": "reminders",
    "ReminderKind": "reminders",
    "signature_png": "signature",
    "Villager": "villagers",
    "VillagerBook": "villagers",
    "Backlog": "worklists",
    "CaseLine": "worklists",
    "Worklist": "worklists",
    "Worklists": "worklists",
}

if TYPE_CHECKING:
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


def __getattr__(name: str) -> object:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"kiosk.core.agents.{module}"), name)


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
