"""Read the verification factor a citizen typed: a lookup code or the phone's last 4 digits.

Exactly one candidate is taken from a message, so one message is one guess. Anything that looks
like a dossier code is removed first ("...-0001" is not the phone's last digits).
"""

from __future__ import annotations

import re

from actions.dossier.codes import CodeParser

_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d)")
_FOUR_DIGITS = re.compile(r"(?<![\w.-])\d{4}(?![\w-])")
# Lookup codes printed on receipts: 6–10 letters/digits with at least one digit.
_LOOKUP = re.compile(r"(?<![\w-])(?=[A-Z]*\d)[A-Z0-9]{6,10}(?![\w-])")


def parse_factor(text: str | None, codes: CodeParser) -> str | None:
    """The single factor in ``text`` (upper case, no spaces), or ``None`` if there is none."""
    prepared = codes.strip_codes(text)
    if not prepared:
        return None
    phone = _PHONE.search(prepared)
    if phone:
        digits = re.sub(r"\D", "", phone.group(0))
        return digits[-4:]
    four = _FOUR_DIGITS.search(prepared)
    if four:
        return four.group(0)
    lookup = _LOOKUP.search(prepared)
    if lookup:
        return lookup.group(0)
    return None
