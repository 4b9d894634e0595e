"""docs/security.md cannot drift: the tests it cites exist, the commands it names are there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from kiosk.cli.audit import audit
from kiosk.cli.privacy import privacy

REPO = Path(__file__).resolve().parent.parent
DOC = (REPO / "docs" / "security.md").read_text(encoding="utf-8")


def _test_names() -> set[str]:
    names = set()
    for path in (REPO / "tests").glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    return names


def test_every_cited_test_file_and_test_exists():
    for path in re.findall(r"tests/[a-z_]+\.py", DOC):
        assert (REPO / path).exists(), path
    names = _test_names()
    for cited in re.findall(r"`(?:[\w/.]+::)?(test_\w+)(?:\*|\.\.\.)?`", DOC):
        assert any(name.startswith(cited.rstrip("_")) for name in names), cited


def test_every_threat_of_the_issue_has_its_section():
    for threat in (
        "stolen kiosk disk",
        "stolen tablet",
        "hostile network",
        "hostile LAN neighbour",
        "careless technician",
    ):
        assert f"### A {threat}" in DOC, threat
        section = DOC.split(f"### A {threat}")[1].split("###")[0]
        assert "**Holds**" in section and "**Does not hold**" in section, threat


def test_every_command_is_documented():
    for group in (audit, privacy):
        for name in group.commands:
            assert f"bianmin {group.name} {name}" in DOC, f"{group.name} {name}"
    assert "retain_days" in DOC and "audit.record(" in DOC
