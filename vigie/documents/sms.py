"""Text messages: GSM 03.38 characters and segments, so that a message fits in two SMS.

A message written only with the GSM-7 alphabet takes 160 characters in one segment, 153 per segment when
split (306 in two); one character outside it (« ê », « ç », « œ », « ’ ») switches the whole message to UCS-2:
70, then 67 per segment (134 in two). The characters of the extension table (« € », « [ », « ~ »…) count
twice. French texts are therefore folded to GSM-7 before sending: « ê » → « e » is a small price for a
message that arrives in one piece.
"""

from __future__ import annotations

import unicodedata

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
MAX_SEGMENTS = 2

# Characters French texts use that GSM-7 lacks, and their closest GSM-7 spelling.
_FOLD = {
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "’": "'",
    "‘": "'",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "œ": "oe",
    "Œ": "OE",
    "ç": "c",
}


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def fold_gsm7(text: str) -> str:
    """``text`` in GSM-7 characters only: typographic signs simplified, unsupported accents dropped."""
    out = []
    for char in text:
        char = _FOLD.get(char, char)
        if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in char):
            out.append(char)
            continue
        stripped = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        out.append("".join(c for c in stripped if c in GSM7_BASIC) or "?")
    return "".join(out)


def length(text: str) -> int:
    """Length in GSM-7 septets (extension characters count twice), or in UCS-2 code units."""
    if is_gsm7(text):
        return sum(2 if char in GSM7_EXTENSION else 1 for char in text)
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    size = length(text)
    single, multi = (160, 153) if is_gsm7(text) else (70, 67)
    if size <= single:
        return 1
    return -(-size // multi)


def limit(text: str) -> int:
    """The most a message of this alphabet may hold in ``MAX_SEGMENTS`` segments."""
    return 153 * MAX_SEGMENTS if is_gsm7(text) else 67 * MAX_SEGMENTS


def fit(text: str) -> str:
    """``text`` folded to GSM-7 and cut (with « ... ») so that it fits in two segments."""
    text = " ".join(fold_gsm7(text).split())
    if segments(text) <= MAX_SEGMENTS:
        return text
    while text and length(text + "...") > 153 * MAX_SEGMENTS:
        text = text[:-1]
    return text.rstrip() + "..."
