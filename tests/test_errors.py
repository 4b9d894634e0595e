"""One error shape: every error turns into a catalogue key and values the same way."""

from __future__ import annotations

from kiosk.core.case_errors import MaterialsMissing
from kiosk.core.errors import GENERIC, BianminError, explain
from kiosk.core.forms import FieldError, FormInvalid
from kiosk.core.messages import Messages
from kiosk.core.queue import UnknownTicket


class NoTicket(BianminError):
    key = "queue.unknown_ticket"


def test_a_bianmin_error_gives_its_key_and_params_and_an_english_str():
    error = NoTicket("no ticket A404", ticket_no="A404")
    assert explain(error) == ("queue.unknown_ticket", {"ticket_no": "A404"})
    assert str(error) == "no ticket A404"
    assert str(NoTicket()) == "NoTicket"


def test_a_form_gives_its_first_field_error():
    error = FormInvalid([FieldError("phone", "联系电话", "field.required")])
    assert explain(error) == ("field.required", {"label": "联系电话"})


def test_errors_of_other_shapes_and_unknown_ones():
    assert explain(UnknownTicket("A404")) == ("queue.unknown_ticket", {})
    assert explain(MaterialsMissing(["户口簿", "照片"])) == (
        "case.materials_missing",
        {"names": "户口簿、照片"},
    )
    assert explain(OSError("disk full")) == (GENERIC, {})
    messages = Messages("zh_CN")
    assert explain(NoTicket(), messages) == ("queue.unknown_ticket", {})

    class Stray(BianminError):
        key = "no.such.key"

    assert explain(Stray(), messages) == (GENERIC, {})
    assert explain(Stray()) == ("no.such.key", {})
