"""Voice calls in the hall: a chime, then "请 A001 号 到 3号窗口 办理", spoken N times.

:class:`Announcer` builds one WAV per call (chime, then the sentence ``[hall] repeats``
times with pauses), from the catalogue sentence fed to espeak-ng as pinyin, offline.
:class:`Speaker` plays calls one after another on its own thread (one file per call,
one player at a time, so two calls never overlap), skips calls that waited too long
to still make sense, and speaks a short self-test line when it starts.
``bianmin hall announce`` writes exactly the file the speaker would play.
"""

from __future__ import annotations

import logging
import queue
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

from kiosk.config import Hall
from kiosk.core.hall.events import SseEvent
from kiosk.core.hall.hub import CHANGE, HubEvent
from kiosk.core.messages import Messages
from kiosk.core.queue import Change, HallUnavailable
from kiosk.core.voice import Player, Synthesiser, VoiceError, to_pinyin
from kiosk.core.voice.wav import WavFormat, chime, read_wav, silence, write_wav
from offline_sync.clock import Clock

log = logging.getLogger(__name__)

AFTER_CHIME_S = 0.3
BETWEEN_REPEATS_S = 0.8
MAX_DELAY_S = 120.0  # a call not spoken within two minutes is left out (the board still shows it)


class Announcer:
    """Builds the WAV of a call from the catalogue sentence and the switches in ``[hall]``."""

    def __init__(self, messages: Messages, synthesiser: Synthesiser, settings: Hall) -> None:
        self.messages = messages
        self.synthesiser = synthesiser
        self.settings = settings

    def call_sentence(self, ticket_no: str, counter: str) -> str:
        """The words of a call: 请 A001 号 到 3号窗口 办理."""
        return self.messages.get("hall.voice.call", ticket_no=ticket_no, counter=counter)

    def write_call(self, ticket_no: str, counter: str, wav: Path) -> bool:
        """Write the call's announcement to ``wav``; False when chime and voice are both off."""
        return self._write(self.call_sentence(ticket_no, counter), self.settings.repeats, wav)

    def write_self_test(self, wav: Path) -> bool:
        """Write the start-up line (chime, then the self-test sentence once)."""
        return self._write(self.messages.get("hall.voice.self_test"), 1, wav)

    def _write(self, sentence: str, repeats: int, wav: Path) -> bool:
        if not (self.settings.chime or self.settings.voice):
            return False
        fmt, speech = WavFormat(), b""
        if self.settings.voice:
            spoken = wav.with_name(wav.name + ".speech.wav")
            try:
                self.synthesiser(to_pinyin(sentence), spoken)
                fmt, speech = read_wav(spoken)
            finally:
                spoken.unlink(missing_ok=True)
        parts = [chime(fmt), silence(fmt, AFTER_CHIME_S)] if self.settings.chime else []
        for i in range(repeats if speech else 0):
            parts += [silence(fmt, BETWEEN_REPEATS_S)] if i else []
            parts.append(speech)
        write_wav(wav, fmt, b"".join(parts))
        return True


class Speaker:
    """Plays calls through the loudspeakers, one after another."""

    def __init__(
        self,
        announcer: Announcer,
        player: Player | None,
        clock: Clock,
        work_dir: Path | None = None,
        max_delay_s: float = MAX_DELAY_S,
    ) -> None:
        self.announcer = announcer
        self.player = player
        self.clock = clock
        self.max_delay_s = max_delay_s
        self._work_dir = work_dir
        self._queue: queue.Queue[Change | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.played = 0
        self.skipped = 0

    def start(self, self_test: bool = True) -> None:
        """Start the speaker's thread; it speaks the self-test line first."""
        self._thread = threading.Thread(
            target=self._run, args=(self_test,), name="hall-speaker", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop after the call being played."""
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(60)
            self._thread = None

    def announce(self, call: Change) -> None:
        """Queue a call to be spoken."""
        self._queue.put(call)

    def on_event(self, event: HubEvent) -> None:
        """Hub subscriber: queue each call as it is made."""
        if event.kind == CHANGE:
            change = Change.from_json(event.data)
            if change.is_call:
                self.announce(change)

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Block until every queued call has been played or skipped (tests, shutdown)."""
        done = threading.Event()
        self._queue.put_nowait(_Marker(done))  # type: ignore[arg-type]
        return done.wait(timeout_s)

    def _run(self, self_test: bool) -> None:
        with tempfile.TemporaryDirectory(dir=self._work_dir, prefix="hall-speaker-") as tmp:
            wav = Path(tmp) / "announcement.wav"
            if self_test:
                self._play(lambda: self.announcer.write_self_test(wav), wav)
            while True:
                call = self._queue.get()
                if call is None:
                    return
                if isinstance(call, _Marker):
                    call.done.set()
                    continue
                if self.clock.now() - call.at > timedelta(seconds=self.max_delay_s):
                    self.skipped += 1
                    log.info("call %s to %s not spoken: %s late", call.display_no, call.counter,
                             self.clock.now() - call.at)  # fmt: skip
                    continue
                self._play(
                    lambda call=call: self.announcer.write_call(
                        call.display_no or "", call.counter or "", wav
                    ),
                    wav,
                )
                self.played += 1

    def _play(self, write, wav: Path) -> None:
        try:
            if write() and self.player is not None:
                self.player(wav)
        except (VoiceError, OSError, ValueError, subprocess.SubprocessError) as exc:
            log.warning("hall speaker failed: %s", exc)
        except Exception:  # the speaker must outlive any one call
            log.exception("hall speaker failed")


class _Marker:
    """A point in the speaker's queue (see :meth:`Speaker.wait_idle`)."""

    def __init__(self, done: threading.Event) -> None:
        self.done = done


def follow_hall(
    events: Callable[[], Iterator[SseEvent]],
    speaker: Speaker,
    stop: threading.Event,
    max_backoff_s: float = 10.0,
) -> None:
    """Feed ``speaker`` the calls of a hall stream, reconnecting when it breaks, until ``stop``.

    ``events`` opens the stream (:func:`kiosk.core.hall.client.hall_events`); calls
    made while the link was down are not spoken afterwards (they are stale by then).
    """
    backoff = 1.0
    while not stop.is_set():
        try:
            for event in events():
                backoff = 1.0
                if event.event == CHANGE:
                    speaker.on_event(HubEvent(CHANGE, event.data))
                if stop.is_set():
                    return
        except HallUnavailable as exc:
            log.warning("hall speaker: %s; trying again in %.0f s", exc, backoff)
        stop.wait(backoff)
        backoff = min(max_backoff_s, backoff * 2)
