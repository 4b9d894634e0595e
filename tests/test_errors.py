"""One error shape: every error turns into a catalogue key and values the same way."""

from __future__ import annotations

from kiosk.core.cases.errors import MaterialsMissing
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


def _error_classes() -> list[type[BaseException]]:
    """Every exception class defined in kiosk.core, devices and offline_sync."""
    import importlib
    import pkgutil

    import devices
    import kiosk.core
    import offline_sync

    found = []
    for package in (kiosk.core, devices, offline_sync):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            found += [
                value
                for value in vars(module).values()
                if isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__ == info.name
            ]
    return found


def test_every_error_key_is_in_the_catalogue():
    from devices.errors import DeviceError
    from devices.idcard.errors import STATUS_KEYS

    classes = _error_classes()
    keyed = {c: c.key for c in classes if isinstance(getattr(c, "key", None), str)}
    assert {BianminError, DeviceError, FormInvalid, UnknownTicket} <= set(classes)
    assert sum(issubclass(c, DeviceError) for c in keyed) >= 12
    messages = Messages("zh_CN", strict=True)
    keys = {*keyed.values(), *STATUS_KEYS.values(), GENERIC}
    assert sorted(key for key in keys if key not in messages) == []


def test_no_chinese_sentence_lives_in_devices_or_offline_sync():
    """Villager wording is in the catalogue only. Card data (nations, genders) is not wording,
    and the reference platform plays the province: its reasons are data the device receives."""
    import re

    from kiosk.resources import data_path

    root = data_path("assets").parent
    sentence = re.compile(r"[\u4e00-\u9fff][^\"'\n]*[，。！？]")
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for package in ("devices", "offline_sync")
        for path in sorted((root / package).rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if sentence.search(line.split("#", 1)[0]) and "platform_server" not in path.parts
    ]
    assert found == []
