"""Card text blocks: the four layouts, verification, nations, the cards file."""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.idcard.card import CardKind, CardType
from devices.idcard.cards_file import CardsFileError, load_cards
from devices.idcard.cardtext import TEXT_SIZE, encode_text, parse_text, split_fields
from devices.idcard.errors import CardDataError, CardReadError, ReaderStatusError
from devices.idcard.idnumber import check_character
from devices.idcard.link import parse_read_answer
from devices.idcard.nations import NATIONS, nation_code, nation_name
from tests.idcard_fixtures import (
    BAD_CHECK_FACE,
    BIRTH_MISMATCH_FACE,
    resident,
    sample,
    sample_cards,
)


def _text(fields: list[tuple[int, str]]) -> bytes:
    """A text block built by hand from (offset, string) pairs, padded with spaces."""
    block = bytearray(" ".encode("utf-16-le") * 128)
    for offset, value in fields:
        raw = value.encode("utf-16-le")
        block[offset : offset + len(raw)] = raw
    return bytes(block)


# Hand-built blocks at the contract's offsets (devices.md section 1), independent of the encoder.
RESIDENT_BLOCK = _text(
    [
        (0, "王建国"),
        (30, "1"),
        (32, "01"),
        (36, "19580712"),
        (52, "四川省宜宾市翠屏区李庄镇永胜村3组28号"),
        (122, "511502195807120315"),
        (158, "宜宾市公安局翠屏区分局"),
        (188, "20120820"),
        (204, "长期"),
    ]
)
J_BLOCK = _text(
    [
        (0, "陈家明"),
        (30, "1"),
        (36, "19900214"),
        (52, "四川省成都市武侯区人民南路四段12号"),
        (122, "81000019900214051X"),
        (158, "成都市公安局武侯区分局"),
        (188, "20230510"),
        (204, "20280510"),
        (220, "H01234567"),
        (238, "01"),
        (248, "J"),
    ]
)
I_BLOCK = _text(
    [
        (0, "SMITH, JOHN"),
        (120, "1"),
        (122, "USA510180010145"),
        (152, "USA"),
        (158, "史密斯"),
        (188, "20180601"),
        (204, "20280601"),
        (220, "19800101"),
        (236, "05"),
        (240, "1500"),
        (248, "I"),
    ]
)
Y_BLOCK = _text(
    [
        (0, "玛丽亚"),
        (30, "2"),
        (32, "00"),
        (36, "19850930"),
        (52, "GONZALEZ RODRIGUEZ, MARIA ELENA DE"),
        (122, "951484198509300021"),
        (188, "20240115"),
        (204, "20340115"),
        (220, "LA CRUZ"),  # part 1 is full: its 35th character is the space
        (242, "MEX"),
        (248, "Y"),
    ]
)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (
            RESIDENT_BLOCK,
            {
                "card_type": "resident_id",
                "name": "王建国",
                "gender": "男",
                "nation": "汉",
                "birth_date": "1958-07-12",
                "address": "四川省宜宾市翠屏区李庄镇永胜村3组28号",
                "id_number": "511502195807120315",
                "issuer": "宜宾市公安局翠屏区分局",
                "valid_from": "2012-08-20",
                "valid_to": None,
                "english_name": None,
                "nationality": None,
            },
        ),
        (
            J_BLOCK,
            {
                "card_type": "hk_mo_tw_residence",
                "name": "陈家明",
                "gender": "男",
                "nation": None,
                "birth_date": "1990-02-14",
                "address": "四川省成都市武侯区人民南路四段12号",
                "id_number": "81000019900214051X",
                "issuer": "成都市公安局武侯区分局",
                "valid_from": "2023-05-10",
                "valid_to": "2028-05-10",
                "english_name": None,
                "nationality": None,
            },
        ),
        (
            I_BLOCK,
            {
                "card_type": "foreign_permanent",
                "name": "史密斯",
                "gender": "男",
                "nation": None,
                "birth_date": "1980-01-01",
                "address": None,
                "id_number": "USA510180010145",
                "issuer": "公安部",
                "valid_from": "2018-06-01",
                "valid_to": "2028-06-01",
                "english_name": "SMITH, JOHN",
                "nationality": "USA",
            },
        ),
        (
            Y_BLOCK,
            {
                "card_type": "foreign_permanent",
                "name": "玛丽亚",
                "gender": "女",
                "nation": None,
                "birth_date": "1985-09-30",
                "address": None,
                "id_number": "951484198509300021",
                "issuer": None,
                "valid_from": "2024-01-15",
                "valid_to": "2034-01-15",
                "english_name": "GONZALEZ RODRIGUEZ, MARIA ELENA DE LA CRUZ",
                "nationality": "MEX",
            },
        ),
    ],
    ids=["resident", "J", "I", "Y"],
)
def test_each_layout_parses_from_contract_offsets(block, expected):
    card = parse_text(block, b"WLT")
    assert card.to_json() == expected
    assert card.to_json(with_photo=True)["photo_wlt_b64"] == "V0xU"


def test_j_card_keeps_pass_number_and_issue_count():
    card = parse_text(J_BLOCK)
    assert (card.pass_number, card.issue_count, card.card_type) == (
        "H01234567",
        "01",
        CardType.HK_MO_TW_RESIDENCE,
    )


def test_sample_faces_round_trip_through_the_encoder():
    for face in sample_cards():
        assert parse_text(encode_text(face), face.photo_wlt) == face


def test_rare_character_outside_the_bmp_survives():
    face = sample_cards()[2]
    assert "𠀀" in face.name
    assert parse_text(encode_text(face)).name == face.name


def test_block_for_sample_resident_matches_hand_built_block():
    assert encode_text(sample_cards()[0]) == RESIDENT_BLOCK


@pytest.mark.parametrize(
    ("face", "cause"),
    [
        (BAD_CHECK_FACE, "wrong check character"),
        (BIRTH_MISMATCH_FACE, "disagrees with the birth date"),
        (resident(id_number="51072219860305262"), "not 18 characters"),
        (resident(valid_to=date(2010, 1, 1)), "valid to is before valid from"),
        (dataclasses.replace(sample(CardKind.Y), id_number="851484198509300021"), "start with 9"),
        (dataclasses.replace(sample(CardKind.I), id_number="US5510180010145"), "3 letters"),
    ],
    ids=["check", "birth", "short", "dates", "y-prefix", "i-shape"],
)
def test_a_card_that_fails_verification_is_a_read_error(face, cause):
    with pytest.raises(CardDataError, match=cause) as raised:
        parse_text(encode_text(face))
    assert raised.value.key == "idcard.verify_failed"
    assert face.id_number not in str(raised.value)  # masked in the message


@pytest.mark.parametrize(
    ("offset", "size", "value", "cause"),
    [
        (36, 16, "19581332", "birth date field is not a real date"),
        (36, 16, "1958071", "birth date field is not YYYYMMDD"),
        (30, 2, "5", "gender code"),
        (0, 30, "", "field name is empty"),
    ],
)
def test_broken_fields_are_typed_errors(offset, size, value, cause):
    block = bytearray(RESIDENT_BLOCK)
    block[offset : offset + size] = value.ljust(size // 2).encode("utf-16-le")
    with pytest.raises(CardDataError, match=cause):
        parse_text(bytes(block))


def test_a_lone_surrogate_is_a_typed_error_not_garbage():
    block = bytearray(RESIDENT_BLOCK)
    block[0:2] = b"\x00\xd8"  # a high surrogate with no low one after it
    block[2:4] = b"A\x00"
    with pytest.raises(CardDataError, match="not valid UCS-2"):
        parse_text(bytes(block))


def test_wrong_block_size_is_a_typed_error():
    with pytest.raises(CardDataError):
        split_fields(bytes(TEXT_SIZE - 2))


def test_nation_table_has_56_nations_and_two_extra_codes():
    assert len(NATIONS) == 58
    assert [nation_name(c) for c in ("01", "04", "07", "33", "56", "97", "98")] == [
        "汉",
        "藏",
        "彝",
        "羌",
        "基诺",
        "其他",
        "外国血统中国籍人士",
    ]
    assert nation_code("彝族") == "07" and nation_code("蒙古") == "02"
    assert nation_name("57") is None


@pytest.mark.parametrize(
    ("code", "gender"), [("0", "未知"), ("1", "男"), ("2", "女"), ("9", "未知")]
)
def test_gender_codes(code, gender):
    block = bytearray(RESIDENT_BLOCK)
    block[30:32] = code.encode("utf-16-le")
    assert parse_text(bytes(block)).gender == gender


def test_status_errors_carry_a_villager_message_key_and_a_precise_cause():
    error = ReaderStatusError(0x41, "read text photo", "/dev/ttyUSB0")
    assert (error.key, error.params) == ("idcard.replace", {})
    assert str(error) == (
        "/dev/ttyUSB0: read text photo: status 00 00 41 (reading the card failed)"
    )
    assert ReaderStatusError(0x60, "find card").reader_fault
    assert ReaderStatusError(0x60, "find card").key == "idcard.reader_fault"
    assert ReaderStatusError(0x40, "read text").key == "idcard.unknown_card"


def test_card_repr_is_masked():
    face = sample_cards()[0]
    assert "王建国" not in repr(face) and face.id_number not in repr(face)
    assert "5115**********0315" in repr(face)


# -- property: any valid resident face survives encode -> parse ----------------------------

names = st.text(
    alphabet=st.sampled_from(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾𠀀𪚥"
    ),
    min_size=1,
    max_size=7,
)


@given(
    name=names,
    born=st.dates(date(1900, 1, 1), date(2025, 12, 31)),
    sequence=st.integers(0, 999),
    nation=st.sampled_from(sorted(NATIONS.values())),
    gender=st.sampled_from(["男", "女"]),
)
def test_any_valid_resident_face_round_trips(name, born, sequence, nation, gender):
    first17 = f"510722{born:%Y%m%d}{sequence:03d}"
    face = resident(
        name=name,
        birth_date=born,
        id_number=first17 + check_character(first17),
        nation=nation,
        gender=gender,
        valid_from=date(2026, 1, 1),
        valid_to=None,
    )
    assert parse_text(encode_text(face), face.photo_wlt) == face


# -- the cards file --------------------------------------------------------------------


def test_sample_cards_cover_every_kind_and_an_elderly_person():
    faces = sample_cards()
    assert {f.kind for f in faces} == set(CardKind)
    assert any(f.age_on(date(2026, 11, 23)) >= 65 for f in faces)
    assert all(parse_text(encode_text(f)) for f in faces)  # every number verifies


def test_expiry_as_on_the_card_face():
    elderly, _, _, expired, *_ = sample_cards()
    assert not elderly.expired_on(date(2099, 1, 1))  # 长期
    assert not expired.expired_on(date(2026, 7, 1))  # valid through its last day
    assert expired.expired_on(date(2026, 7, 2))


@st.composite
def mutated_blocks(draw):
    """A real block with one stretch overwritten by random UCS-2 text."""
    block = bytearray(draw(st.sampled_from([RESIDENT_BLOCK, J_BLOCK, I_BLOCK, Y_BLOCK])))
    offset = draw(st.integers(0, 127)) * 2
    size = draw(st.integers(1, min(16, (TEXT_SIZE - offset) // 2)))
    block[offset : offset + size * 2] = draw(
        st.text(min_size=size, max_size=size).map(
            lambda t: t.encode("utf-16-le", "surrogatepass")[: size * 2].ljust(size * 2, b" ")
        )
    )
    return bytes(block)


@given(st.one_of(st.binary(min_size=TEXT_SIZE, max_size=TEXT_SIZE), mutated_blocks()))
def test_any_text_block_is_a_card_or_a_typed_error(block):
    with contextlib.suppress(CardDataError):
        parse_text(block)


@given(st.binary(max_size=1400))
def test_any_read_answer_is_a_card_or_a_typed_error(data):
    with contextlib.suppress(CardReadError):
        parse_read_answer(data, "/dev/ttyUSB0")


def test_cards_json_file(tmp_path):
    path = tmp_path / "cards.json"
    path.write_text(
        '{"cards": [{"kind": "resident", "name": "张三", "gender": "男", "nation": "01",'
        ' "birth_date": "1990-01-01", "id_number": "110101199001010015",'
        ' "valid_from": "2020-01-01", "valid_to": "长期"}]}',
        encoding="utf-8",
    )
    (card,) = load_cards(path)
    assert (card.nation, card.valid_to, len(card.photo_wlt)) == ("汉", None, 1024)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[[cards]]\nkind = 'X'\nname = 'a'\nid_number = '1'\n", "cards[0].kind = 'X'"),
        ("[[cards]]\nname = 'a'\nid_number = '1'\nbirth_date = 'x'\n", "cards[0].birth_date"),
        ("[[cards]]\nname = 'a'\nid_number = '1'\ncolour = 'red'\n", "unknown key colour"),
        ("[[cards]]\nname = 'a'\nid_number = '1'\nnation = '火星'\n", "cards[0].nation"),
        ("cards = []\n", "non-empty list 'cards'"),
        ("[[cards]\n", "not valid toml"),
    ],
)
def test_cards_file_errors_name_file_card_and_key(tmp_path, body, message):
    path = tmp_path / "cards.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CardsFileError, match="cards.toml") as raised:
        load_cards(path)
    assert message.lower() in str(raised.value).lower()
