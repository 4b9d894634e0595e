"""The serial driver against the simulator through a real pty: cards, faults, unplugging."""

from __future__ import annotations

import logging
import os

import pytest

from devices.idcard import SIM_PORT, open_reader
from devices.idcard.card import CardKind
from devices.idcard.errors import CardDataError, ReaderStatusError, ReaderUnavailable
from devices.idcard.frames import Command, Response, wire_seconds
from devices.idcard.link import is_answer_to
from devices.idcard.probe import probe_port
from devices.idcard.reader import (
    CardPlaced,
    CardRemoved,
    ReaderState,
    ReadFailed,
    StateChanged,
)
from devices.idcard.serial_reader import SerialCardReader
from devices.idcard.simulator import Fault, SimulatedReader
from tests.idcard_fixtures import (  # noqa: F401
    BAD_CHECK_FACE,
    FAST,
    SAMPLE_CARDS,
    Events,
    events_fixture,
    reader_fixture,
    sample,
    sample_cards,
    sim_fixture,
)

READ_FLOOR_S = wire_seconds(10 + 19 + 10 + 1295, 115200)  # select + read, both ways


@pytest.mark.parametrize("kind", list(CardKind), ids=lambda k: k.value)
def test_each_card_kind_is_read_once_placed(sim, events, kind):
    face = sample(kind)
    sim.place(face)
    placed = events.next(CardPlaced)
    assert placed.card == face
    assert placed.card.photo_wlt == face.photo_wlt  # kept as bytes
    assert placed.read_ms >= READ_FLOOR_S * 1000 * 0.95  # true wire timing


def test_polling_without_a_card_is_silent(sim, reader, events):
    assert events.quiet(0.3) == []
    assert sim.requests["find card"] >= 5
    assert sim.requests["read text photo"] == 0
    assert reader.state is ReaderState.WAITING


def test_same_card_left_in_place_is_read_once_until_lifted(sim, reader, events):
    sim.place(0)
    events.next(CardPlaced)
    assert events.quiet(0.3) == []
    assert sim.requests["read text photo"] == 1
    assert reader.state is ReaderState.CARD_PRESENT
    sim.remove()
    events.next(CardRemoved)
    sim.place(0)
    events.next(CardPlaced)
    assert sim.requests["read text photo"] == 2


def test_reader_that_halts_a_read_card_reports_it_gone_and_never_rereads_it():
    with SimulatedReader(sample_cards(), halt_after_read=True) as halting:
        driver = SerialCardReader(halting.path, 115200, poll_interval=0.01, timeouts=FAST)
        log = Events()
        driver.subscribe(log)
        driver.start()
        try:
            log.state(ReaderState.WAITING)
            halting.place(3)
            log.next(CardPlaced)
            log.next(CardRemoved)  # the reader no longer sees it, though it lies there
            assert log.quiet(0.2) == []
            assert halting.requests["read text photo"] == 1
            halting.remove()
            halting.place(3)  # lifted and placed again: a new placement
            log.next(CardPlaced)
        finally:
            driver.stop()


def test_state_changes_go_through_one_function_in_order(sim, events):
    sim.place(1)
    events.next(CardPlaced)
    sim.remove()
    events.next(CardRemoved)
    states = [(e.old, e.new) for e in events.seen if isinstance(e, StateChanged)]
    assert states == [
        (ReaderState.STOPPED, ReaderState.CONNECTING),
        (ReaderState.CONNECTING, ReaderState.WAITING),
        (ReaderState.WAITING, ReaderState.READING),
        (ReaderState.READING, ReaderState.CARD_PRESENT),
        (ReaderState.CARD_PRESENT, ReaderState.WAITING),
    ]


@pytest.mark.parametrize(
    ("fault", "options", "reads"),
    [
        (Fault.NOISE, {"noise_bytes": 40}, 1),
        (Fault.TRUNCATE, {}, 2),
        (Fault.BAD_CHECK, {}, 2),
        (Fault.SAM_ERROR, {"status": 0x41}, 2),
    ],
    ids=lambda v: v.value if isinstance(v, Fault) else None,
)
def test_transient_faults_on_the_read_still_give_the_card(sim, events, fault, options, reads):
    sim.inject(fault, **options)
    sim.place(1)
    assert events.next(CardPlaced).card == sample_cards()[1]
    assert sim.requests["read text photo"] == reads


@pytest.mark.parametrize("target", [Command.FIND_CARD, Command.SELECT_CARD])
def test_a_slow_answer_times_out_and_its_late_arrival_is_not_misread(sim, events, target):
    sim.place(1)
    sim.inject(Fault.SLOW, target, delay_s=FAST.select_s + 0.2)
    assert events.next(CardPlaced).card == sample_cards()[1]


def test_persistent_sam_error_is_a_read_failure_with_a_villager_message(sim, reader, events):
    sim.inject(Fault.SAM_ERROR, count=reader.read_attempts, status=0x41)
    sim.place(1)
    failed = events.next(ReadFailed)
    assert isinstance(failed.error, ReaderStatusError)
    assert failed.error.key == "idcard.replace"
    assert "status 00 00 41" in str(failed.error)
    assert events.quiet(0.2) == []  # not retried while the card stays
    sim.remove()
    events.next(CardRemoved)


def test_card_failing_verification_is_not_a_person(sim, events):
    sim.place(BAD_CHECK_FACE)
    failed = events.next(ReadFailed)
    assert isinstance(failed.error, CardDataError)
    assert failed.error.key == "idcard.verify_failed"
    assert sim.requests["read text photo"] == 1  # a wrong number is not read again


def test_one_flaky_no_card_answer_does_not_read_the_card_twice(sim, events):
    sim.place(1)
    events.next(CardPlaced)
    sim.inject(Fault.NO_CARD)
    assert events.quiet(0.3) == []
    assert sim.requests["read text photo"] == 1


def test_unplug_reports_disconnected_and_replug_reconnects_by_itself(sim, reader, events):
    sim.place(0)
    events.next(CardPlaced)
    sim.unplug()
    assert not os.path.exists(sim.path)
    events.next(CardRemoved)  # personal data goes with the reader
    assert reader.state is ReaderState.DISCONNECTED
    sim.replug()
    events.state(ReaderState.WAITING)
    assert events.next(CardPlaced).card == sample_cards()[0]


def test_unplugged_with_no_card_then_back(sim, reader, events):
    sim.unplug()
    events.state(ReaderState.DISCONNECTED)
    sim.replug()
    events.state(ReaderState.WAITING)
    sim.place(4)
    assert events.next(CardPlaced).card.kind is CardKind.J


def test_wrong_baud_rate_gets_no_answer():
    with SimulatedReader(sample_cards(), 9600) as slow_sim:
        driver = SerialCardReader(slow_sim.path, 115200, poll_interval=0.01, timeouts=FAST)
        log = Events()
        driver.subscribe(log)
        driver.start()
        try:
            changed = log.state(ReaderState.DISCONNECTED)
            assert "no answer to read sam id" in changed.reason
        finally:
            driver.stop()


def test_read_once_returns_none_without_a_card_and_the_card_with_one(sim):
    with SerialCardReader(sim.path, 115200, poll_interval=0.01, timeouts=FAST) as driver:
        assert driver.read_once(0.1) is None
        sim.place(5)
        assert driver.read_once(1.0) == sample(CardKind.I)


def test_read_once_on_a_missing_port_is_a_typed_error(sim):
    sim.unplug()
    with (
        SerialCardReader(sim.path, 115200, 0.01, timeouts=FAST) as driver,
        pytest.raises(ReaderUnavailable, match="cannot open"),
    ):
        driver.read_once(0.1)


def test_logs_never_hold_a_name_or_number_unmasked(sim, events, caplog):
    caplog.set_level(logging.DEBUG)
    for index in range(len(sim.cards)):
        sim.place(index)
        events.next(CardPlaced)
        sim.remove()
        events.next(CardRemoved)
    sim.place(BAD_CHECK_FACE)
    events.next(ReadFailed)
    for face in [*sim.cards, BAD_CHECK_FACE]:
        assert face.id_number not in caplog.text
        assert face.name not in caplog.text
    assert "5115**********0315" in caplog.text


def test_probe_finds_the_reader_its_baud_rate_and_sam_id():
    with SimulatedReader(sample_cards(), 38400) as other:
        report = probe_port(other.path, answer_s=0.1)
    assert (report.reader, report.baud, report.sam_id) == (
        True,
        38400,
        "05.01-20260101-0000000001-0123456789",
    )


def test_probe_reports_a_missing_port(sim):
    sim.unplug()
    report = probe_port(sim.path, answer_s=0.05)
    assert not report.reader and "No such file" in report.error


def test_virtual_port_uses_the_same_driver_on_a_pty():
    reader = open_reader(f"{SIM_PORT}:{SAMPLE_CARDS}", 115200, poll_interval=0.01)
    log = Events()
    reader.subscribe(log)
    reader.start()
    try:
        log.state(ReaderState.WAITING)
        reader.simulator.place(6)
        assert log.next(CardPlaced).card.kind is CardKind.Y
    finally:
        simulator = reader.simulator
        reader.stop()
    assert not os.path.exists(simulator.path)


@pytest.mark.parametrize(
    ("command", "status", "size", "expected"),
    [
        (Command.FIND_CARD, 0x9F, 4, True),
        (Command.FIND_CARD, 0x80, 0, True),
        (Command.FIND_CARD, 0x90, 8, False),  # a late select answer
        (Command.SELECT_CARD, 0x9F, 4, False),  # a late find answer
        (Command.SELECT_CARD, 0x90, 8, True),
        (Command.SELECT_CARD, 0x81, 0, True),
        (Command.READ_TEXT_PHOTO, 0x90, 8, False),
        (Command.READ_TEXT_PHOTO, 0x90, 1284, True),
        (Command.READ_TEXT_PHOTO, 0x41, 0, True),
        (Command.READ_SAM_ID, 0x90, 16, True),
        (Command.READ_SAM_ID, 0x90, 8, False),
    ],
)
def test_which_answers_fit_which_command(command, status, size, expected):
    assert is_answer_to(command, Response(status, bytes(size))) is expected


def test_a_port_held_by_another_program_is_busy_not_disturbed(sim, reader, events):
    report = probe_port(sim.path, answer_s=0.05)
    assert report.error == "busy: another program has it open"
    assert events.quiet(0.05) == []


@pytest.mark.parametrize(
    ("line", "reply"),
    [
        ("", "ok"),
        ("place", "ok placed 0 (resident, 王**)"),
        ("place 511502195807120315", "ok placed 0 (resident, 王**)"),
        ("place 7", "error: place: no card 7; cards are 0..6"),
        ("place 999999999999999999", "error: place: no card with number 999999999999999999"),
        ("remove", "ok removed"),
        ("fault noise bytes=8", "ok fault noise x1 on read text photo"),
        ("fault slow seconds=0.5 target=find count=2", "ok fault slow x2 on find card"),
        ("fault sam_error status=60 target=any", "ok fault sam_error x1 on any command"),
        ("fault no_card", "ok fault no_card x1 on find card"),
        (
            "fault",
            "error: fault: which fault? noise, truncate, bad_check, slow, sam_error, "
            "no_card, or unplug",
        ),
        ("fault fire", "error: fault: unknown fault 'fire'"),
        ("fault noise target=moon", "error: fault: target 'moon'"),
        ("fault noise colour=red", "error: fault: unknown option 'colour'"),
        ("FLY", "error: unknown command 'fly'; try help"),
    ],
)
def test_console_commands(sim, line, reply):
    assert sim.execute(line).startswith(reply)


def test_sam_failure_at_connect_is_reported_and_recovered_from(sim):
    sim.inject(Fault.SAM_ERROR, Command.READ_SAM_ID, status=0x60)
    driver = SerialCardReader(sim.path, 115200, poll_interval=0.01, timeouts=FAST)
    log = Events()
    driver.subscribe(log)
    driver.start()
    try:
        changed = log.state(ReaderState.DISCONNECTED)
        assert "status 00 00 60 (SAM self-test failed)" in changed.reason
        log.state(ReaderState.WAITING)  # asked again after reconnect_s, and fine
        sim.inject(Fault.SAM_ERROR, Command.FIND_CARD, status=0x24)  # one bad poll is logged
        sim.place(1)
        assert log.next(CardPlaced).card == sample_cards()[1]
    finally:
        driver.stop()
