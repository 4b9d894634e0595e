"""Agent mode as a whole: its import closure stays within what python-for-android can
package, and every sentence it can show is in the message catalogue."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from devices.camera import CameraError, CameraUnavailable
from kiosk.core import agents
from kiosk.core.agents import ReminderKind
from kiosk.core.agents.errors import AgentError
from kiosk.core.agents.worklists import _DEAD_CAUSES, dead_letter_key
from kiosk.core.messages import Messages
from tests.conftest import REPO

# What agent mode must not import: serial ports (pyserial; a tablet's reader comes through
# its own transport), web servers, the kiosk's espeak-ng voice (a subprocess), OpenCV before
# a camera is opened, the kiosk's own screens.
FORBIDDEN = ("serial", "starlette", "uvicorn", "kiosk.core.voice", "cv2", "kiosk.ui.screens")
AGENT_MODE = [
    "kiosk.core.agents",
    "devices.camera",
    "kiosk.app",
    "kiosk.cli.agent",
    "kiosk.agent.launch",
    "kiosk.agent.app",  # the tablet's App and every screen (imports Kivy)
]


def test_agent_modes_import_closure_is_free_of_what_android_lacks(tmp_path):
    probe = (
        "import importlib, json, sys\n"
        f"for name in {AGENT_MODE!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    env = dict(os.environ, KIVY_HOME=str(tmp_path), KIVY_NO_ARGS="1", SDL_AUDIODRIVER="dummy")
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True, env=env
    ).stdout
    loaded = json.loads(out.splitlines()[-1])
    bad = [m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert bad == []


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_sentence_of_agent_mode_is_in_the_catalogue():
    messages = Messages(strict=True)
    keys = {c.key for c in [AgentError, CameraError, *_subclasses(AgentError)]}
    keys |= {CameraUnavailable.key, dead_letter_key(None)} | {k for _, k in _DEAD_CAUSES}
    keys |= {f"agent.reminder.{kind}" for kind in ReminderKind}
    keys |= {"agent.login.erase_warning", "agent.login.old_pin_wrong"}
    assert sorted(k for k in keys if k not in messages) == []
    assert agents.__all__ == sorted(agents.__all__)


def test_docs_cover_every_agent_setting_and_option():
    import dataclasses

    from kiosk.cli.agent import agent
    from kiosk.config import Agent

    doc = (REPO / "docs" / "agent.md").read_text("utf-8")
    for field in dataclasses.fields(Agent):
        assert f"`{field.name}`" in doc, field.name
    for param in agent.params:
        for option in param.opts:
            # --help and --config (which every command takes, docs/commands.md) aside
            if option.startswith("--") and option not in ("--help", "--config"):
                assert option in doc, option


def test_the_tablets_kv_rules_never_match_a_kiosk_widget():
    """Kivy matches kv rules by class name alone, and both front-ends can load in one process."""
    import re

    def rules(folder: str) -> set[str]:
        names = set()
        for path in (REPO / folder).rglob("*.kv"):
            names |= set(re.findall(r"^<([A-Za-z]+)", path.read_text("utf-8"), re.MULTILINE))
        return names

    assert rules("kiosk/agent") & rules("kiosk/ui") == set()


def test_bianmin_agent_is_a_command():
    from click.testing import CliRunner

    from kiosk.cli.main import main

    result = CliRunner().invoke(main, ["agent", "--help"])
    assert result.exit_code == 0 and "--portrait" in result.output and "代办" in result.output
