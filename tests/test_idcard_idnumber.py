"""GB 11643 ID numbers and the masking helpers, from tables."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.idcard.idnumber import (
    age_on,
    birth_date,
    check_character,
    has_unsafe_characters,
    is_valid_id_number,
    mask_id_number,
    mask_name,
    mask_phone,
    years_between,
)


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("11010519491231002", "X"),  # the example in GB 11643-1999
        ("51150219580712031", "5"),
        ("81000019900214051", "X"),
        ("95148419850930002", "1"),
    ],
)
def test_check_character(first17, check):
    assert check_character(first17) == check


@pytest.mark.parametrize("digits", ["1101051949123100", "110105194912310021"])
def test_check_character_needs_exactly_17_digits(digits):
    with pytest.raises(ValueError):
        check_character(digits)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", True),  # a lower-case x is read as X
        ("110105194912310021", False),  # wrong check character
        ("51150219580712031X", False),  # an X where the check character is 5
        ("51150219580712031x", False),
        ("810000199002140510", False),  # a digit where the check character is X
        ("110105194913310028", False),  # month 13
        ("11010519491231002", False),  # 17 characters
        ("1101051949123100 X", False),
        ("", False),
        (None, False),  # no number read at all
    ],
)
def test_is_valid_id_number(number, valid):
    assert is_valid_id_number(number) is valid


def _iso7064_holds(number: str) -> bool:
    """ISO 7064 MOD 11-2, written out from its definition (not from the module's table): the
    weighted sum of all 18 characters, X counting 10, is 1 modulo 11."""
    values = [10 if ch == "X" else int(ch) for ch in number]
    return sum(v * pow(2, 17 - i, 11) for i, v in enumerate(values)) % 11 == 1


numbers_17 = st.builds(
    lambda region, born, seq: f"{region:06d}{born:%Y%m%d}{seq:03d}",
    st.integers(110000, 659999),
    st.dates(date(1900, 1, 1), date(2026, 12, 31)),
    st.integers(0, 999),
)


@given(first17=numbers_17)
def test_exactly_one_check_character_makes_a_number_valid(first17):
    valid = [ch for ch in "0123456789X" if is_valid_id_number(first17 + ch)]
    assert valid == [check_character(first17)]
    assert _iso7064_holds(first17 + valid[0])


@given(first17=numbers_17, day=st.sampled_from(["00", "32", "99"]))
def test_a_birth_date_that_is_not_in_the_calendar_is_refused(first17, day):
    bad = first17[:12] + day + first17[14:]
    assert not is_valid_id_number(bad + check_character(bad))


def test_birth_date_and_age():
    assert birth_date("11010519491231002X") == date(1949, 12, 31)
    assert age_on("11010519491231002X", date(2026, 12, 30)) == 76
    assert age_on("11010519491231002X", date(2026, 12, 31)) == 77
    assert years_between(date(2000, 2, 29), date(2026, 2, 28)) == 25
    assert years_between(date(2000, 2, 29), date(2026, 3, 1)) == 26


@pytest.mark.parametrize(
    ("helper", "value", "masked"),
    [
        (mask_id_number, "51150219580712031X", "5115**********031X"),
        (mask_id_number, "USA510180010145", "USA5*******0145"),
        (mask_id_number, "12345678", "********"),
        (mask_id_number, "123456789", "1234*6789"),
        (mask_id_number, None, ""),
        (mask_name, "王建国", "王**"),
        (mask_name, "王", "王*"),
        (mask_name, "吉克𠀀依", "吉***"),
        (mask_name, "", ""),
        (mask_name, None, ""),
        (mask_phone, "13800000000", "138****0000"),
        (mask_phone, "12345", "*****"),
        (mask_phone, "8123456", "***3456"),  # a landline without its area code
        (mask_phone, "0833123456", "083***3456"),  # a landline with its area code
        (mask_phone, None, ""),
        (mask_phone, "", ""),
        # a control or format character typed or read into a value is dropped before
        # masking: it can neither reorder the masked text nor shift which digits show
        (mask_phone, "138\u202e0000\u200b0000", "138****0000"),
        (mask_id_number, "5115\u202e0219580712031X", "5115**********031X"),
        (mask_name, "\u202e王建国", "王**"),
    ],
)
def test_masks(helper, value, masked):
    assert helper(value) == masked


@given(phone=st.text("0123456789", min_size=1, max_size=20))
def test_no_phone_number_is_ever_shown_whole(phone):
    masked = mask_phone(phone)
    assert len(masked) == len(phone)
    hidden = masked.count("*")
    assert hidden >= min(len(phone), 3), masked


@pytest.mark.parametrize(
    ("text", "unsafe"),
    [
        ("王秀英", False),
        ("四川省\u3000乐山市 市中区", False),  # full-width and plain spaces are text
        ("\u202e", True),  # a right-to-left override alone
        ("王\u200b秀英", True),  # a zero-width space hides inside a name
        ("第一行\n第二行", True),  # a newline breaks a log line or a field
    ],
)
def test_unsafe_characters_are_controls_and_formats_not_spaces(text, unsafe):
    assert has_unsafe_characters(text) is unsafe
