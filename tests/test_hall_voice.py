"""Voice calls: the announcement file (chime, then the spoken call N times) and the speaker."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli.main import main
from kiosk.config import load_config
from kiosk.core.hall.announce import AFTER_CHIME_S, BETWEEN_REPEATS_S, Announcer, Speaker
from kiosk.core.hall.hub import CHANGE, HubEvent
from kiosk.core.messages import Messages
from kiosk.core.queue import Change, LogAction
from kiosk.core.voice import espeak_synthesiser, to_pinyin
from kiosk.core.voice.wav import WavFormat, chime, read_wav, silence, write_wav
from tests.conftest import write_site


def test_hall_announce_writes_the_chime_then_the_call_twice(tmp_path):
    site = write_site(tmp_path)
    wav = tmp_path / "call.wav"
    result = CliRunner().invoke(
        main, ["--config", str(site), "hall", "announce", "a001", "3号窗口", "--wav", str(wav)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "请 A001 号，到 3号窗口 办理"
    fmt, frames = read_wav(wav)
    # the same sentence spoken alone, as the speaker's synthesiser says it
    alone = tmp_path / "alone.wav"
    espeak_synthesiser()(to_pinyin("请 A001 号，到 3号窗口 办理"), alone)
    _, speech = read_wav(alone)
    ding = chime(fmt)
    assert frames.startswith(ding + silence(fmt, AFTER_CHIME_S))  # the chime comes first
    rest = frames[len(ding) + len(silence(fmt, AFTER_CHIME_S)) :]
    assert rest == speech + silence(fmt, BETWEEN_REPEATS_S) + speech  # then the call, twice
    assert fmt.seconds(ding) < fmt.seconds(speech)
    assert fmt.seconds(frames) == pytest.approx(
        fmt.seconds(ding) + AFTER_CHIME_S + 2 * fmt.seconds(speech) + BETWEEN_REPEATS_S, abs=0.01
    )


def tone_synthesiser(seconds: float = 0.2):
    """A stand-in for espeak-ng: a WAV of silence whose length says which sentence it was."""

    def synthesise(pinyin: str, wav: Path) -> None:
        fmt = WavFormat()
        write_wav(wav, fmt, silence(fmt, seconds + len(pinyin) / 1000))

    return synthesise


@pytest.mark.parametrize(
    ("chime_on", "voice_on", "repeats", "expect"),
    [(True, False, 2, "chime"), (False, True, 3, "speech*3"), (False, False, 2, None)],
)
def test_chime_and_voice_have_their_own_switches(tmp_path, chime_on, voice_on, repeats, expect):
    settings = dataclasses.replace(
        load_config(write_site(tmp_path)).hall, chime=chime_on, voice=voice_on, repeats=repeats
    )
    announcer = Announcer(Messages(), tone_synthesiser(), settings)
    wav = tmp_path / "a.wav"
    written = announcer.write_call("A001", "1号窗口", wav)
    if expect is None:
        assert not written and not wav.exists()
        return
    fmt, frames = read_wav(wav)
    if expect == "chime":
        assert frames == chime(fmt) + silence(fmt, AFTER_CHIME_S)
    else:
        one = fmt.seconds(frames) - 2 * BETWEEN_REPEATS_S
        assert not frames.startswith(chime(fmt)[:200])
        assert one / 3 == pytest.approx(
            0.2 + len(to_pinyin("请 A001 号，到 1号窗口 办理")) / 1000, abs=0.01
        )


def test_the_speaker_plays_calls_one_after_another_and_leaves_out_stale_ones(app, clock, tmp_path):
    played: list[tuple[str, float, float]] = []
    lock = threading.Lock()

    def player(wav: Path) -> None:
        fmt, frames = read_wav(wav)
        start = time.monotonic()
        time.sleep(0.05)  # the sound card takes its time
        with lock:
            played.append((f"{fmt.seconds(frames):.3f}", start, time.monotonic()))

    announcer = Announcer(Messages(), tone_synthesiser(), app.config.hall)
    speaker = Speaker(announcer, player, clock, work_dir=tmp_path)
    speaker.start(self_test=True)
    now = clock.now()
    calls = [
        Change(1, LogAction.CALLED, now, "A001", False, "1号窗口", "social"),
        Change(2, LogAction.CALLED, now, "B002", True, "3号窗口", "civil"),
        Change(
            3, LogAction.RECALLED, now - timedelta(minutes=5), "A000", False, "2号窗口", "social"
        ),
        Change(4, LogAction.ISSUED, now, "A009", False, None, "social"),
    ]
    feeders = [
        threading.Thread(target=speaker.on_event, args=(HubEvent(CHANGE, c.as_json(), c.seq),))
        for c in calls
    ]
    for f in feeders:
        f.start()
    for f in feeders:
        f.join()
    assert speaker.wait_idle(30)
    speaker.stop()
    assert len(played) == 3 and speaker.played == 2 and speaker.skipped == 1  # self-test + 2 calls
    for (_, _, end), (_, start, _) in zip(played, played[1:], strict=False):
        assert start >= end  # never two at once
