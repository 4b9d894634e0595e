"""Input from devices, people and the platform: ID numbers are ASCII, a card's photo has the
protocol's length, control and bidi characters never reach a screen, a log or paper, and a
dead letter's reason is one line whatever the platform sent."""

from __future__ import annotations

import dataclasses
import logging
from datetime import date

import pytest

from devices.idcard.card import CardKind, IdCard
from devices.idcard.cardtext import PHOTO_SIZE, TEXT_SIZE, encode_text, parse_text
from devices.idcard.errors import CardDataError, UnexpectedResponse
from devices.idcard.idnumber import (
    check_character,
    is_valid_id_number,
    mask_id_number,
    mask_name,
    plain_text,
)
from devices.idcard.link import parse_read_answer
from kiosk.app import build_app
from kiosk.config import load_config
from kiosk.core.agents import AgentDirectory
from kiosk.core.forms import FormInvalid, validate_applicant
from kiosk.core.queue import InvalidIdNumber
from offline_sync.clock import SystemClock
from offline_sync.plain import one_line
from offline_sync.sync import dead_letters
from tests.conftest import write_site
from tests.hostile_platform import Answer, hostile_platform

FIRST17 = "51152119850101001"
NUMBER = FIRST17 + check_character(FIRST17)
FULL_WIDTH = NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
ARABIC_INDIC = NUMBER.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


@pytest.mark.parametrize(
    "number",
    [FULL_WIDTH, NUMBER + "\n", NUMBER[:-1] + "Ｘ", ARABIC_INDIC, " " + NUMBER, NUMBER + "\x00"],
    ids=["full-width", "trailing-newline", "full-width-X", "arabic-indic", "leading-space", "nul"],
)
def test_an_id_number_is_ascii_digits_and_x_only(number):
    assert is_valid_id_number(NUMBER)
    assert not is_valid_id_number(number)


def test_a_lower_case_x_is_still_an_x():
    first17 = "11010519491231002"
    number = first17 + check_character(first17)
    assert number.endswith("X") and is_valid_id_number(number.lower())


def test_the_queue_and_forms_refuse_a_full_width_number(app):
    with pytest.raises(InvalidIdNumber):
        app.queue.take("social", priority="age", id_number=FULL_WIDTH)
    with pytest.raises(FormInvalid):
        validate_applicant({"name": "王秀英", "id_type": "resident_id", "id_number": FULL_WIDTH})


def card(**changes) -> IdCard:
    base = IdCard(
        kind=CardKind.RESIDENT,
        name="王秀英",
        gender="女",
        birth_date=date(1985, 1, 1),
        id_number=NUMBER,
        valid_from=date(2020, 1, 1),
        valid_to=None,
        nation="汉",
        address="四川省宜宾市翠屏区李庄镇高石村3组",
        issuer="宜宾市公安局翠屏区分局",
    )
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "王\u202e英秀"},  # right-to-left override: shows 王秀英 reversed
        {"name": "王\x1b[2J秀英"},  # ESC: a terminal or printer command
        {"name": "王\u200b秀英"},  # zero-width space: looks like 王秀英
        {"address": "四川省宜宾市\u2066翠屏区\u2069李庄镇"},  # isolate
        {"issuer": "宜宾市公安局\n翠屏区分局"},
        {"id_number": FULL_WIDTH},
    ],
    ids=["rlo", "esc", "zwsp", "isolate", "newline", "full-width-number"],
)
def test_a_card_with_control_or_bidi_characters_is_refused(changes):
    assert parse_text(encode_text(card())).name == "王秀英"
    with pytest.raises(CardDataError) as refused:
        parse_text(encode_text(card(**changes)))
    assert "\n" not in str(refused.value) and "\x1b" not in str(refused.value)
    assert "秀英" not in str(refused.value), "no unmasked name in the error"


@pytest.mark.parametrize("photo", [0, 1, PHOTO_SIZE - 1, PHOTO_SIZE + 1, 4096])
def test_a_read_answer_must_carry_the_protocols_photo_length(photo):
    text = encode_text(card())

    def answer(size: int) -> bytes:
        return TEXT_SIZE.to_bytes(2, "big") + size.to_bytes(2, "big") + text + b"\x55" * size

    assert parse_read_answer(answer(PHOTO_SIZE), "/dev/ttyUSB0").name == "王秀英"
    with pytest.raises(UnexpectedResponse, match=f"photo {photo}"):
        parse_read_answer(answer(photo), "/dev/ttyUSB0")


def test_masks_neutralise_what_reached_them_anyway():
    assert mask_name("\u202e王秀英") == "王**"
    assert mask_name("\x1b[31m王") == "[****"  # ESC gone; what is left is masked
    assert "\u202e" not in mask_id_number(NUMBER[:4] + "\u202e" + NUMBER[4:])
    assert plain_text("第一行\n第二行\u202e", newlines=True) == "第一行\n第二行"
    assert plain_text("第一行\n第二行") == "第一行第二行"


def test_applicant_names_with_bidi_characters_are_refused():
    for name in ("王\u202e秀英", "王\u2067秀英", "王\x85秀英"):
        with pytest.raises(FormInvalid):
            validate_applicant({"name": name, "id_type": "resident_id", "id_number": NUMBER})


def test_the_platforms_text_is_neutralised_before_it_is_stored(app):
    """An agent's name from the feed with a bidi override and an ESC shows plain."""
    from kiosk.core.appliers import appliers

    apply = appliers(app.vault)["agent_account"]
    with app.store.transaction() as conn:
        apply(
            conn,
            {
                "agent_id": "A-0001",
                "name": "李\u202e明\x1b[0m",
                "active": True,
                "villages": ["高石村\u200b"],
                "pin": {"scheme": "scrypt", "salt": "00", "hash": "00", "n": 2, "r": 1, "p": 1},
            },
        )
    account = AgentDirectory(app.store, app.vault).get("A-0001")
    assert account.name == "李明[0m" and account.villages == ("高石村",)


@pytest.mark.parametrize(
    "text",
    ["a\nb", "a\r\nb", "a\x1b[2Jb", "a\u202eb", "a\u2028b", "a\x00b", "a\tb", "x" * 5000],
)
def test_one_line_whatever_the_text(text):
    line = one_line(text, 300)
    assert line.isprintable() and len(line) <= 300
    assert line.startswith("a") or line.startswith("x")


def test_dead_letter_reasons_and_log_lines_stay_on_one_line(tmp_path, caplog):
    forged = "\n2026-11-23 09:00:00 offline_sync: all records delivered\x1b[2J\u202e"

    def refuse_all(request):
        records = request.json()["records"]
        error = {"code": "invalid" + forged, "message": "bad" + forged * 50, "field": "x"}
        return Answer.json(
            {
                "results": [
                    {"id": r["id"], "revision": r["revision"], "status": "invalid", "error": error}
                    for r in records
                ]
            }  # fmt: skip
        )

    with hostile_platform() as platform:
        platform.on("POST", "/api/v1/records", refuse_all)
        app = build_app(load_config(write_site(tmp_path, platform.site_toml())), SystemClock())
        try:
            app.queue.take("social")
            engine = app.sync.engine(app.store)
            with caplog.at_level(logging.INFO, logger="offline_sync"):
                engine.run_once(5, wait=False)
            engine.close()
            (letter,) = dead_letters(app.store.conn)
        finally:
            app.close()
    assert letter.error.isprintable() and len(letter.error) <= 300
    assert letter.error.startswith("invalid: invalid 2026-11-23")
    for record in caplog.records:
        message = record.getMessage()
        assert "\n" not in message and "\x1b" not in message and "\u202e" not in message
