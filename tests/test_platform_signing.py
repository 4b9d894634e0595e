"""Signing: SM3, the string-to-sign and the headers, exactly as contract section 1 says."""

from __future__ import annotations

import pytest

from offline_sync.signing import (
    new_nonce,
    new_secret,
    secret_key,
    sign_headers,
    signature_matches,
    string_to_sign,
)
from offline_sync.sm3 import hmac_sm3, sm3_hex

SECRET = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"


def test_sm3_matches_the_standard_example():
    # GB/T 32905-2016, example 1.
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3_hex(b"") == "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"


def test_string_to_sign_is_five_lines_joined_by_newlines():
    text = string_to_sign(
        "get", "/api/v1/changes?cursor=abc&limit=200", "1795000000", "ab" * 16, "cd" * 32
    )
    assert text == (
        b"GET\n/api/v1/changes?cursor=abc&limit=200\n1795000000\n" + b"ab" * 16 + b"\n" + b"cd" * 32
    )


def test_headers_carry_the_body_digest_and_an_hmac_sm3_keyed_with_the_decoded_secret():
    body = b'{"records":[]}'
    headers = sign_headers(
        "510100-K-000123", secret_key(SECRET), "POST", "/api/v1/records", body, 1795000000
    )
    assert headers["X-Device-Id"] == "510100-K-000123"
    assert headers["X-Timestamp"] == "1795000000"
    assert headers["X-Content-SM3"] == sm3_hex(body)
    expected = hmac_sm3(
        bytes.fromhex(SECRET),
        "\n".join(
            ["POST", "/api/v1/records", "1795000000", headers["X-Nonce"], sm3_hex(body)]
        ).encode(),
    ).hex()
    assert headers["X-Signature"] == expected
    assert len(expected) == 64 and expected == expected.lower()


def test_every_signing_uses_a_fresh_nonce():
    key = secret_key(SECRET)
    nonces = {sign_headers("d", key, "GET", "/", b"", 1)["X-Nonce"] for _ in range(50)}
    assert len(nonces) == 50
    assert all(len(n) == 32 and n == n.lower() for n in nonces)
    assert len(new_nonce()) == 32


@pytest.mark.parametrize("bad", ["", "00" * 31, "0G" * 32, SECRET.upper()])
def test_a_secret_must_be_64_lower_case_hex(bad):
    with pytest.raises(ValueError, match="64 lower-case hex"):
        secret_key(bad)


def test_new_secrets_are_valid_and_distinct():
    secrets_ = {new_secret() for _ in range(10)}
    assert len(secrets_) == 10
    assert all(len(secret_key(s)) == 32 for s in secrets_)


def test_signature_comparison_is_exact():
    assert signature_matches("ab" * 32, "ab" * 32)
    assert not signature_matches("ab" * 32, "AB" * 32)
    assert not signature_matches("ab" * 32, "中文")
