"""WAV pieces for announcements: read, a two-tone chime, silence, join, write.

Everything is 16-bit PCM in the format espeak-ng writes (mono, 22050 Hz), so a chime,
pauses and speech join into one file that plays as one piece: one file per
announcement means two announcements can never overlap.
"""

from __future__ import annotations

import math
import os
import struct
import wave
from dataclasses import dataclass
from pathlib import Path

CHIME_TONES = ((880.0, 0.42), (659.25, 0.62))  # A5 then E5: the usual "ding-dong"


@dataclass(frozen=True)
class WavFormat:
    """Channels, bytes per sample and frame rate of PCM audio."""

    channels: int = 1
    sample_width: int = 2
    rate: int = 22050

    def frames_for(self, seconds: float) -> int:
        """Frames in ``seconds``."""
        return round(seconds * self.rate)

    def seconds(self, data: bytes) -> float:
        """The duration of ``data`` in this format."""
        return len(data) / (self.channels * self.sample_width * self.rate)


def read_wav(path: Path) -> tuple[WavFormat, bytes]:
    """The format and PCM frames of a 16-bit WAV file."""
    with wave.open(str(path), "rb") as wav:
        fmt = WavFormat(wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
        if fmt.sample_width != 2:
            raise ValueError(f"{path}: {8 * fmt.sample_width}-bit audio; 16-bit expected")
        return fmt, wav.readframes(wav.getnframes())


def write_wav(path: Path, fmt: WavFormat, frames: bytes) -> None:
    """Write ``frames`` to ``path`` (through a temporary file, so a reader never sees half)."""
    partial = path.with_name(path.name + ".part")
    with wave.open(str(partial), "wb") as wav:
        wav.setnchannels(fmt.channels)
        wav.setsampwidth(fmt.sample_width)
        wav.setframerate(fmt.rate)
        wav.writeframes(frames)
    os.replace(partial, path)


def silence(fmt: WavFormat, seconds: float) -> bytes:
    """``seconds`` of silence."""
    return b"\0" * (fmt.frames_for(seconds) * fmt.channels * fmt.sample_width)


def chime(fmt: WavFormat, volume: float = 0.45) -> bytes:
    """A soft two-tone bell (ding-dong): each tone with a quick attack and a slow decay."""
    samples: list[int] = []
    for freq, seconds in CHIME_TONES:
        count = fmt.frames_for(seconds)
        for i in range(count):
            t = i / fmt.rate
            envelope = min(1.0, t / 0.01) * math.exp(-3.2 * t / seconds)
            value = math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(4 * math.pi * freq * t)
            sample = int(32767 * volume * envelope * value / 1.3)
            samples.extend([sample] * fmt.channels)
    return struct.pack(f"<{len(samples)}h", *samples)
