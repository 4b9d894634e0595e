"""GA/T 467 frame codec: contract frames, resynchronisation, typed errors, property tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.idcard.errors import BadChecksum, BadLength, FrameError, UnexpectedResponse
from devices.idcard.frames import (
    PREAMBLE,
    Command,
    Frame,
    FrameDecoder,
    encode_request,
    encode_response,
    encode_sam_id,
    format_sam_id,
    parse_request,
    parse_response,
)

# The full request frames of devices.md section 1.
CONTRACT_FRAMES = [
    (Command.RESET_SAM, "AA AA AA 96 69 00 03 10 FF EC"),
    (Command.SAM_STATUS, "AA AA AA 96 69 00 03 11 FF ED"),
    (Command.READ_SAM_ID, "AA AA AA 96 69 00 03 12 FF EE"),
    (Command.FIND_CARD, "AA AA AA 96 69 00 03 20 01 22"),
    (Command.SELECT_CARD, "AA AA AA 96 69 00 03 20 02 21"),
    (Command.READ_TEXT_PHOTO, "AA AA AA 96 69 00 03 30 01 32"),
    (Command.READ_TEXT_PHOTO_FINGERPRINT, "AA AA AA 96 69 00 03 30 10 23"),
    (Command.READ_NEW_ADDRESS, "AA AA AA 96 69 00 03 30 03 30"),
]

NO_CARD = encode_response(0x80)
FOUND = encode_response(0x9F, bytes(4))


@pytest.mark.parametrize(("command", "frame"), CONTRACT_FRAMES)
def test_request_frames_match_the_contract(command, frame):
    assert encode_request(command) == bytes.fromhex(frame)
    (decoded,) = FrameDecoder().feed(bytes.fromhex(frame))
    assert parse_request(decoded).command is command


def test_no_card_answer_is_eleven_bytes_with_its_check():
    assert bytes.fromhex("AA AA AA 96 69 00 04 00 00 80 84") == NO_CARD
    assert parse_response(FrameDecoder().feed(NO_CARD)[0]).status == 0x80


def test_read_answer_is_1295_bytes():
    frame = encode_response(
        0x90, (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + bytes(1280)
    )
    assert len(frame) == 1295
    assert frame[5:7] == bytes.fromhex("0508")


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        (b"\x00\x13\x37" + NO_CARD, [Frame(b"\x00\x00\x80")]),  # noise first
        (NO_CARD + FOUND, [Frame(b"\x00\x00\x80"), Frame(b"\x00\x00\x9f" + bytes(4))]),
        (b"\xaa\xaa" + NO_CARD, [Frame(b"\x00\x00\x80")]),  # preamble-like noise
        (PREAMBLE + b"\x00\x00" + NO_CARD, [BadLength, Frame(b"\x00\x00\x80")]),
        (PREAMBLE + b"\xff\xff" + NO_CARD, [BadLength, Frame(b"\x00\x00\x80")]),
        (NO_CARD[:-1] + b"\x00" + FOUND, [BadChecksum, Frame(b"\x00\x00\x9f" + bytes(4))]),
        (NO_CARD[:6], []),  # incomplete: waits
    ],
)
def test_decoder_table(stream, expected):
    got = FrameDecoder().feed(stream)
    assert len(got) == len(expected)
    for item, want in zip(got, expected, strict=True):
        if isinstance(want, Frame):
            assert item == want
        else:
            assert isinstance(item, want)


def test_decoder_waits_for_a_frame_cut_anywhere():
    decoder = FrameDecoder()
    for byte in FOUND[:-1]:
        assert decoder.feed(bytes([byte])) == []
    assert decoder.feed(FOUND[-1:]) == [Frame(b"\x00\x00\x9f" + bytes(4))]


def test_wanted_never_reads_past_the_frame():
    decoder = FrameDecoder()
    stream = b"\x01\x02" + FOUND + NO_CARD
    frames, position = [], 0
    while position < len(stream):
        want = decoder.wanted()
        chunk = stream[position : position + want]
        position += len(chunk)
        frames += decoder.feed(chunk)
        if frames:
            break
    assert frames == [Frame(b"\x00\x00\x9f" + bytes(4))]
    assert position == 2 + len(FOUND)


def test_short_response_is_a_typed_error():
    with pytest.raises(UnexpectedResponse):
        parse_response(Frame(b"\x00\x90"))


def test_sam_id_round_trip():
    text = "05.01-20260101-0000000001-0123456789"
    assert format_sam_id(encode_sam_id(text)) == text


# -- properties ------------------------------------------------------------------------

frames_strategy = st.lists(
    st.tuples(st.integers(0, 0xFFFFFF), st.binary(max_size=64)).map(
        lambda t: encode_response(t[0], t[1])
    ),
    max_size=4,
)
noise = st.binary(max_size=40).filter(lambda b: PREAMBLE[:1] not in b)


@given(st.binary(max_size=600), st.lists(st.integers(1, 50), max_size=30))
def test_any_stream_yields_only_frames_or_typed_errors(data, cuts):
    decoder = FrameDecoder(max_length=256)
    position = 0
    out = []
    for cut in [*cuts, len(data)]:
        out += decoder.feed(data[position : position + cut])
        position += cut
    out += decoder.feed(data[position:])
    assert all(isinstance(item, Frame | FrameError) for item in out)
    assert decoder.pending <= 7 + 256
    assert decoder.wanted() >= 1


@given(frames_strategy, st.lists(noise, min_size=5, max_size=5), st.integers(1, 97))
def test_frames_survive_noise_between_them_and_any_chunking(frames, gaps, chunk):
    stream = b"".join(gap + frame for gap, frame in zip(gaps, frames, strict=False)) + gaps[-1]
    decoder = FrameDecoder()
    out = []
    for i in range(0, len(stream), chunk):
        out += decoder.feed(stream[i : i + chunk])
    assert out == [FrameDecoder().feed(frame)[0] for frame in frames]


@given(frames_strategy.filter(bool), st.data())
def test_a_corrupted_byte_never_yields_wrong_data(frames, data):
    # XOR catches any one wrong byte after LEN; a wrong LEN is the protocol's blind spot
    # (1 in 256), which the driver covers by checking each answer's shape.
    stream = bytearray(b"".join(frames))
    index = data.draw(st.integers(7, len(frames[0]) - 1))
    stream[index] ^= data.draw(st.integers(1, 255))
    good = {FrameDecoder().feed(frame)[0] for frame in frames}
    for item in FrameDecoder().feed(bytes(stream)):
        assert isinstance(item, FrameError) or item in good
