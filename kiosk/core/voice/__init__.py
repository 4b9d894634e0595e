"""Speech in Mandarin, offline: pinyin text, espeak-ng and player adapters, WAV handling.

- :mod:`.pinyin` the sentence as espeak-ng's pinyin voice reads it (digits in Chinese);
- :mod:`.adapters` espeak-ng and the system player, as injectable callables;
- :mod:`.speech` the kiosk's voice (cached synthesis, played on its own thread);
- :mod:`.wav` chime, silence and joining WAV files (the hall's announcements).
"""

from kiosk.core.voice.adapters import (
    VOICE_NAME,
    Player,
    Synthesiser,
    VoiceError,
    espeak_synthesiser,
    system_player,
)
from kiosk.core.voice.pinyin import cardinal, to_pinyin
from kiosk.core.voice.speech import Voice

__all__ = [
    "VOICE_NAME",
    "Player",
    "Synthesiser",
    "Voice",
    "VoiceError",
    "cardinal",
    "espeak_synthesiser",
    "system_player",
    "to_pinyin",
]
