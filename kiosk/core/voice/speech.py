"""Spoken guidance on the kiosk: each catalogue sentence synthesised once, then played.

Each sentence is turned into pinyin (:mod:`.pinyin`), synthesised to a WAV file named by
its hash in the cache folder, then played with an injected player (``aplay`` on the
appliance; a list in tests). Off is off: with the voice toggle off nothing is
synthesised or played.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from kiosk.core.voice.adapters import (
    VOICE_NAME,
    Player,
    Synthesiser,
    VoiceError,
    espeak_synthesiser,
)
from kiosk.core.voice.pinyin import to_pinyin

log = logging.getLogger(__name__)


class Voice:
    """Speaks catalogue sentences; each is synthesised once into ``cache_dir``."""

    def __init__(
        self,
        cache_dir: Path,
        player: Player | None,
        synthesiser: Synthesiser | None = None,
        enabled: bool = True,
    ) -> None:
        self.cache_dir = cache_dir
        self.player = player
        self.synthesiser = synthesiser or espeak_synthesiser()
        self.enabled = enabled
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice")

    def wav_for(self, text: str) -> Path:
        """The cached WAV of ``text``, synthesised now if this is its first time."""
        pinyin = to_pinyin(text)
        digest = hashlib.sha256(f"{VOICE_NAME}\n{pinyin}".encode()).hexdigest()[:32]
        wav = self.cache_dir / f"{digest}.wav"
        with self._lock:
            if not wav.exists():
                self.cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
                partial = wav.with_suffix(".part")
                try:
                    self.synthesiser(pinyin, partial)
                    os.chmod(partial, 0o600)  # the data directory's files are private
                    os.replace(partial, wav)
                except BaseException:
                    partial.unlink(missing_ok=True)
                    raise
        return wav

    def say(self, text: str) -> Path | None:
        """Speak ``text`` now (blocking); None when the voice is off or there is nothing to say."""
        if not self.enabled or not text.strip():
            return None
        wav = self.wav_for(text)
        if self.player is not None:
            self.player(wav)
        return wav

    def speak(self, text: str) -> Future[Path | None]:
        """Speak ``text`` on the voice's own thread; failures are logged, never raised."""

        def run() -> Path | None:
            try:
                return self.say(text)
            except (VoiceError, OSError, subprocess.SubprocessError) as exc:
                log.warning("voice guidance failed: %s", exc)
                return None

        return self._executor.submit(run)

    def close(self) -> None:
        """Stop the voice thread after what it is saying."""
        self._executor.shutdown(wait=False, cancel_futures=True)
