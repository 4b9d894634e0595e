"""docs/platform-api.md cannot drift from the contract's vocabulary in offline_sync.contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from offline_sync import contract

DOCS = Path(__file__).resolve().parent.parent / "docs"
DOC = (DOCS / "platform-api.md").read_text("utf-8")

VOCABULARY = [
    "RECORD_KINDS",
    "TICKET_EVENTS",
    "CASE_STATUSES",
    "CHANNELS",
    "AUTHORIZATION_METHODS",
    "ID_TYPES",
    "RATING_TARGETS",
    "RESULT_STATUSES",
    "CHANGE_TYPES",
    "AUDIENCES",
    "REACHES",
    "FIELD_TYPES",
    "TICKET_CHANNELS",
    "RESULT_DELIVERY_METHODS",
    "ADDRESS_SOURCES",
]


@pytest.mark.parametrize("name", VOCABULARY)
def test_every_value_of_the_contract_is_named(name):
    missing = [value for value in getattr(contract, name) if f"`{value}`" not in DOC]
    assert not missing, f"{name}: {missing} not in docs/platform-api.md"


def test_what_goes_beyond_the_contract_is_said():
    beyond = DOC[DOC.index("## Beyond and against the contract") :]
    assert "`serving`" in beyond and "511500-0001-05" in beyond and "`audit_event`" in beyond
    assert "`channel` of ticket events" in beyond and "`result_delivery`" in beyond


def test_the_platform_docs_and_the_readme_link_to_it():
    for page in (DOCS / "platform.md", DOCS / "sync.md", DOCS.parent / "README.md"):
        assert "platform-api.md" in page.read_text("utf-8"), page.name
