"""Scrubbing personal data and secrets out of text that leaves the box (logs, error lines).

ID numbers become ``5115**********001X``, phone numbers ``138****0000``, long hex
strings (secrets, keys, digests) ``<hex>``. Names cannot be told by their shape, so
Chinese is kept only where it is known text: every run of Han characters that is not a
run of the message catalogue, the site's names or the service catalogue is masked to its
first character (``张**``). Addresses go the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from devices.idcard.idnumber import mask_id_number, mask_name, mask_phone

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_HEX = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{32,}(?![0-9A-Fa-f])")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


def han_runs(texts: Iterable[str]) -> set[str]:
    """Every run of Han characters in ``texts``: the vocabulary kept by a :class:`Scrubber`."""
    runs: set[str] = set()
    for text in texts:
        runs.update(_HAN.findall(text))
    return runs


class Scrubber:
    """Masks what may identify a person or open the box; keeps the known vocabulary."""

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        self.vocabulary = set(vocabulary)

    def __call__(self, text: str) -> str:
        text = _HEX.sub("<hex>", text)
        text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
        text = _PHONE.sub(lambda m: mask_phone(m.group()), text)
        return _HAN.sub(self._han, text)

    def _han(self, match: re.Match[str]) -> str:
        run = match.group()
        return run if run in self.vocabulary else mask_name(run)
