"""Speech in Mandarin, offline: pinyin text, espeak-ng and player adapters, WAV handling.

- :mod:`.pinyin` the sentence as espeak-ng's pinyin voice reads it (digits in Chinese);
- :mod:`.adapters` espeak-ng, the system player on the card set up, its volume;
- :mod:`.speech` the kiosk's voice (cached synthesis, played on its own thread);
- :mod:`.wav` chime, silence and joining WAV files (the hall's announcements).
"""

from kiosk.core.voice.adapters import (
    VOICE_NAME,
    Player,
    SoundSystem,
    Synthesiser,
    VoiceError,
    espeak_synthesiser,
    set_volume,
    sound_cards,
    system_player,
)
from kiosk.core.voice.pinyin import cardinal, to_pinyin
from kiosk.core.voice.speech import Voice

__all__ = [
    "VOICE_NAME",
    "Player",
    "SoundSystem",
    "Synthesiser",
    "Voice",
    "VoiceError",
    "cardinal",
    "espeak_synthesiser",
    "set_volume",
    "sound_cards",
    "system_player",
    "to_pinyin",
]
