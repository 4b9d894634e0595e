"""``bianmin idcard read|watch|probe`` and ``bianmin sim idcard`` as a technician runs them.

The simulator runs in a child process (its console is stdin, SIGTERM ends it, its pty is
what a reader cable is); the commands that use the reader run in this process.
"""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path

from devices.idcard.errors import ReaderStatusError
from devices.idcard.sim_console import CONSOLE_COMMANDS
from devices.idcard.simulator import Fault
from devices.scanner import SimulatedScanner
from kiosk.cli.idcard import idcard, sim_idcard
from kiosk.core.errors import explain
from kiosk.core.messages import Messages
from tests.conftest import bianmin
from tests.idcard_fixtures import (  # noqa: F401
    BAD_CHECK_FACE,
    REPO,
    SimProcess,
    shared_sim_process_fixture,
    sim_process_fixture,
)

JSON_KEYS = [
    "card_type",
    "name",
    "gender",
    "nation",
    "birth_date",
    "address",
    "id_number",
    "issuer",
    "valid_from",
    "valid_to",
    "english_name",
    "nationality",
]


def test_sim_prints_its_device_path_first_and_answers_commands(sim_process):
    assert Path(sim_process.path).exists()
    assert os.path.realpath(sim_process.path).startswith("/dev/pts/")
    assert sim_process.command("status").startswith("ok plugged /dev/pts/")
    assert sim_process.command("cards").startswith("ok 7 cards")
    assert sim_process.command("help").startswith("ok commands: place")
    assert sim_process.command("fly away").startswith("error: unknown command 'fly'")
    assert sim_process.command("place 99").startswith("error: place: no card 99")


def test_read_json_has_exactly_the_stable_keys(sim_process):
    assert sim_process.command("place 0").startswith("ok placed 0")
    done = bianmin("idcard", "read", "--port", sim_process.path, "--json", "--timeout", "5")
    assert done.exit_code == 0, done.stderr
    card = json.loads(done.stdout)
    assert list(card) == JSON_KEYS
    assert card == {
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
    }


def test_read_with_photo_adds_the_wlt_bytes(sim_process):
    sim_process.command("place 6")
    done = bianmin(
        "idcard", "read", "--port", sim_process.path, "--json", "--with-photo", "--timeout", "5"
    )
    card = json.loads(done.stdout)
    assert list(card) == [*JSON_KEYS, "photo_wlt_b64"]
    assert len(base64.b64decode(card["photo_wlt_b64"])) == 1024
    assert (card["card_type"], card["nationality"]) == ("foreign_permanent", "MEX")


def test_read_prints_the_card_face_without_json(sim_process):
    sim_process.command("place 2")
    done = bianmin("idcard", "read", "--port", sim_process.path, "--timeout", "5")
    assert done.exit_code == 0
    assert "姓名: 吉克𠀀依" in done.stdout and "民族: 彝" in done.stdout


def test_read_times_out_with_status_3_when_no_card_comes(sim_process):
    done = bianmin("idcard", "read", "--port", sim_process.path, "--timeout", "0.3")
    assert done.exit_code == 3
    assert done.stdout == ""
    assert "no card within 0.3 s" in done.stderr


def test_read_error_is_status_1_with_the_reason(sim_process):
    sim_process.command("place 1")
    assert sim_process.command("fault sam_error count=3 status=41").startswith("ok fault")
    done = bianmin("idcard", "read", "--port", sim_process.path, "--timeout", "5")
    assert done.exit_code == 1
    assert "status 00 00 41 (reading the card failed)" in done.stderr
    assert "请把身份证拿开，再平放在感应区。" in done.stderr


def test_the_cli_and_the_kiosk_say_the_same_sentence_for_a_card_fault(sim_process):
    """The kiosk shows ``explain(error)`` from the catalogue (kiosk.ui.edge.problem_message);
    the CLI puts the same sentence after the technician's cause."""
    messages = Messages("zh_CN", strict=True)
    for status, sentence in [
        (0x41, "请把身份证拿开，再平放在感应区。"),
        (0x40, "认不出这张卡，请放居民身份证或居住证。"),
        (0x60, "读卡器出了故障，请手工输入身份证号，或找工作人员帮忙。"),
    ]:
        key, params = explain(ReaderStatusError(status, "read text photo"), messages)
        kiosk_says = messages.get(key, **params)
        assert kiosk_says == sentence
        sim_process.command("reset")
        sim_process.command("place 1")
        sim_process.command(f"fault sam_error count=3 status={status:02x}")
        done = bianmin("idcard", "read", "--port", sim_process.path, "--timeout", "5")
        assert done.exit_code == 1
        assert done.stderr.strip().endswith(f"({sentence})"), done.stderr


def test_a_card_failing_verification_exits_1_and_shows_no_full_number(tmp_path):
    cards = tmp_path / "bad.json"
    face = BAD_CHECK_FACE
    cards.write_text(
        json.dumps(
            {
                "cards": [
                    {
                        "name": face.name,
                        "gender": face.gender,
                        "nation": face.nation,
                        "birth_date": face.birth_date.isoformat(),
                        "id_number": face.id_number,
                        "valid_from": "2016-04-11",
                        "valid_to": "2036-04-11",
                    }
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    child = SimProcess("--cards", str(cards))
    try:
        child.command("place 0")
        done = bianmin("idcard", "read", "--port", child.path, "--json", "--timeout", "5")
    finally:
        assert child.stop() == 0  # SIGTERM ends the simulator cleanly ...
    assert not os.path.exists(os.path.dirname(child.path))  # ... and removes its device
    assert done.exit_code == 1
    assert "身份证信息核验没有通过" in done.stderr and "wrong check character" in done.stderr
    assert face.id_number not in done.stderr and done.stdout == ""


def test_read_on_a_missing_port_says_which_and_why(tmp_path):
    port = str(tmp_path / "ttyUSB9")
    done = bianmin("idcard", "read", "--port", port, "--timeout", "1")
    assert done.exit_code == 1
    assert done.stderr.startswith(f"bianmin: {port}: cannot open")
    assert "Traceback" not in done.stderr


def test_watch_prints_each_event_masked(sim_process):
    sim_process.command("place 0")
    done = bianmin("idcard", "watch", "--port", sim_process.path, "--count", "1", "--poll", "0.02")
    assert done.exit_code == 0, done.stderr
    stamps = [line.split(" ", 3)[:3] for line in done.stdout.splitlines()]
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d", " ".join(s)) for s in stamps
    )
    lines = [line.split(" ", 3)[3] for line in done.stdout.splitlines()]
    assert lines[0].startswith("connecting (opening ")
    assert lines[1].startswith("waiting (reader on ")
    assert lines[-1].startswith("placed resident_id 王** 5115**********0315 read in ")
    assert "王建国" not in done.stdout and "511502195807120315" not in done.stdout


def test_read_at_the_wrong_speed_or_on_the_scanners_port_suggests_probe(sim_process):
    sim_process.command("place 0")
    slow = bianmin("idcard", "read", "--port", sim_process.path, "--baud", "9600", "--timeout", "2")
    assert slow.exit_code == 1
    assert "at 9600 baud" in slow.stderr and "`bianmin idcard probe` finds both" in slow.stderr
    with SimulatedScanner("utf-8") as scanner:
        wrong = bianmin("idcard", "read", "--port", scanner.path, "--timeout", "2")
    assert wrong.exit_code == 1 and "`bianmin idcard probe`" in wrong.stderr


def test_unplug_and_replug_through_the_console(sim_process):
    assert sim_process.command("unplug") == "ok unplugged"
    assert not os.path.exists(sim_process.path)
    assert sim_process.command("replug").startswith(f"ok replugged {sim_process.path}")
    sim_process.command("place 4")
    done = bianmin("idcard", "read", "--port", sim_process.path, "--json", "--timeout", "5")
    assert json.loads(done.stdout)["card_type"] == "hk_mo_tw_residence"


def test_probe_finds_the_reader_at_its_baud_rate_and_read_works_there():
    child = SimProcess("--baud", "57600")
    try:
        child.command("place 5")
        probed = bianmin("idcard", "probe", "--port", child.path, "--json")
        done = bianmin(
            "idcard", "read", "--port", child.path, "--baud", "57600", "--json", "--timeout", "5"
        )
    finally:
        child.stop()
    assert probed.exit_code == 0, probed.stderr
    (ours,) = [p for p in json.loads(probed.stdout)["ports"] if p["port"] == child.path]
    assert (ours["reader"], ours["baud"], ours["sam_id"]) == (
        True,
        57600,
        "05.01-20260101-0000000001-0123456789",
    )
    assert json.loads(done.stdout)["english_name"] == "SMITH, JOHN"


def test_sim_rejects_a_broken_cards_file(tmp_path):
    cards = tmp_path / "cards.toml"
    cards.write_text("[[cards]]\nname = '张三'\n", encoding="utf-8")
    done = bianmin("sim", "idcard", "--cards", str(cards))
    assert done.exit_code == 1
    assert f"{cards}: cards[0].id_number" in done.stderr


def test_docs_cover_every_command_option_console_command_and_fault():
    text = (REPO / "docs" / "idcard.md").read_text(encoding="utf-8")
    commands = {
        "bianmin idcard read": idcard.commands["read"],
        "bianmin idcard probe": idcard.commands["probe"],
        "bianmin idcard watch": idcard.commands["watch"],
        "bianmin sim idcard": sim_idcard,
    }
    for name, command in commands.items():
        assert name in text
        for param in command.params:
            for option in param.opts if param.name != "config_path" else ():
                assert option in text, f"{name} {option} is not documented"
    for console_command in CONSOLE_COMMANDS:
        assert f"`{console_command}" in text, console_command
    for fault in Fault:
        assert f"`{fault.value}`" in text, fault
