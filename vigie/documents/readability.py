"""How easy a French text is to read: Kandel and Moles' adaptation of the Flesch formula (1958).

    L = 207 − 1.015 × (words / sentences) − 73.6 × (syllables / words)

Syllables are counted by a rule of thumb for written French: one per group of vowels, a final mute « e »
(« -e », « -es », and the verb ending « -ent » after a consonant) not counted, « y » a vowel. It errs by a
syllable here and there, which moves the score by a point or two at most on a letter.

Bands (ours, after Flesch's, for plain-language letters): 80 and more « très facile », 60 to 80 « facile »
(the target of every text written to patients), 50 to 60 « assez facile », 30 to 50 « difficile », below
30 « très difficile ».
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VOWEL_GROUP = re.compile(r"[aeiouyàâäéèêëîïôöùûüÿœæ]+")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_ELISION = re.compile(r"^(?:qu|[cdjlmnst])['’]", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…:;]+(?=\s|$)|\n+")

BANDS = ((80.0, "très facile"), (60.0, "facile"), (50.0, "assez facile"), (30.0, "difficile"))
EASY = 60.0


def syllables(word: str) -> int:
    """Syllables of one written French word (at least one)."""
    word = _ELISION.sub("", word.lower())
    total = 0
    for part in re.split(r"[-'’]", word):
        if not part:
            continue
        part = re.sub(r"qu|gu(?=[eiéèê])", "k", part)  # the u of « que », « guerre » is not heard
        groups = _VOWEL_GROUP.findall(part)
        count = len(groups)
        # A final mute e: « porte », « portes », « portent » (not « né », nor a one-syllable word like « le »).
        if count > 1 and (re.search(r"[^aeiouyé]es?$", part) or re.search(r"[^aeiouyé]ent$", part)):
            count -= 1
        total += max(count, 1)
    return max(total, 1)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentences(text: str) -> int:
    pieces = [piece for piece in _SENTENCE_END.split(text) if _WORD.search(piece)]
    return max(len(pieces), 1)


@dataclass(frozen=True)
class Score:
    value: float
    band: str
    words: int
    sentences: int
    syllables: int

    @property
    def easy(self) -> bool:
        return self.value >= EASY


def band(value: float) -> str:
    for floor, name in BANDS:
        if value >= floor:
            return name
    return "très difficile"


def kandel_moles(text: str) -> Score:
    """The Kandel–Moles score of ``text``, rounded to one decimal, with its band."""
    found = words(text)
    if not found:
        return Score(0.0, band(0.0), 0, 0, 0)
    count_sentences = sentences(text)
    count_syllables = sum(syllables(word) for word in found)
    value = 207 - 1.015 * (len(found) / count_sentences) - 73.6 * (count_syllables / len(found))
    value = round(value, 1)
    return Score(value, band(value), len(found), count_sentences, count_syllables)
