"""Chinese sentences as espeak-ng's ``cmn-latn-pinyin`` voice reads them.

espeak-ng's ``cmn`` voice reads Han characters but says digits in English, so every
sentence is turned into tone-numbered pinyin (``ni3 hao3``) first, with digits spelled
as Chinese numbers and ticket letters as their usual Mandarin names.
"""

from __future__ import annotations

import re

_DIGITS = "零一二三四五六七八九"
# English letter names as Mandarin speakers say them, in tone-numbered pinyin.
_LETTERS = {
    "A": "ei1", "B": "bi4", "C": "xi1", "D": "di4", "E": "yi4", "F": "ai2 fu1", "G": "ji4",
    "H": "ai1 qi1", "I": "ai4", "J": "zhei4", "K": "kei4", "L": "ai2 le5", "M": "ai2 mu5",
    "N": "en1", "O": "ou1", "P": "pi4", "Q": "kiu1", "R": "a4", "S": "ai2 si1", "T": "ti4",
    "U": "you1", "V": "wei1", "W": "da2 bu5 liu1", "X": "ai2 ke4 si1", "Y": "wai4", "Z": "zei4",
}  # fmt: skip
_TOKEN = re.compile(r"[A-Za-z]+|\d+|[\u3400-\u9fff]+|[，。！？；：、,.!?;:]|\s+|.", re.S)
_PAUSE = re.compile(r"[，。！？；：、,.!?;:]")


def cardinal(number: int) -> str:
    """0..99999999 in Chinese numerals as read aloud: 3 -> 三, 15 -> 十五, 105 -> 一百零五."""
    if number < 10:
        return _DIGITS[number]
    if number >= 10**8:
        return "".join(_DIGITS[int(d)] for d in str(number))
    if number >= 10**4:
        high, low = divmod(number, 10**4)
        rest = "" if low == 0 else ("零" if low < 1000 else "") + cardinal(low)
        return cardinal(high) + "万" + rest
    units = ["", "十", "百", "千"]
    out = ""
    zero = False
    for power in range(3, -1, -1):
        digit = number // 10**power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + units[power]
    return out[1:] if out.startswith("一十") else out


def _say_digits(run: str) -> str:
    """Codes (leading zero, or five digits and more) digit by digit; amounts as numbers."""
    if run.startswith("0") and len(run) > 1 or len(run) > 4:
        return "".join(_DIGITS[int(d)] for d in run)
    return cardinal(int(run))


def to_pinyin(text: str) -> str:
    """The sentence as espeak-ng's ``cmn-latn-pinyin`` reads it: ``A003`` -> ``ei1 ling2 ling2 san1``.

    pypinyin's dictionary (a second to load on a slow box) is imported on first use, so
    commands that never speak (``bianmin queue take``) do not pay for it.
    """
    from pypinyin import Style, lazy_pinyin

    words: list[str] = []
    for token in _TOKEN.findall(text):
        if token.isspace():
            continue
        if token.isdigit():
            token = _say_digits(token)
        if _PAUSE.fullmatch(token):
            if words and words[-1] != ",":
                words.append(",")
        elif token.isascii() and token.isalpha():
            words += [_LETTERS[ch] for ch in token.upper()]
        elif any("\u3400" <= ch <= "\u9fff" for ch in token):
            words += lazy_pinyin(token, style=Style.TONE3, neutral_tone_with_five=True)
    while words and words[-1] == ",":
        words.pop()
    return " ".join(words)
