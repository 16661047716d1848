"""Comparing two records trait by trait, and weighing what each comparison says (Fellegi–Sunter).

Each trait is compared into a *level* (the family names agree exactly, within one typo, by one word of a
compound name, or not at all…). A level weighs ``log2(m / u)`` bits: ``m`` is how often the records of one
person show that level, ``u`` how often two different persons do. The weights of the traits add up; the sum
says how much likelier the pair is to be one person than two.

- ``m`` is set from what leaked and exported files look like (:data:`M`, documented level by level): it does
  not depend on the file, because a leaked file comes with no truth to learn it from.
- ``u`` is measured on the files themselves (:class:`Frequencies`): for exact agreement, the frequency of the
  very value (agreeing on MARTIN says less than agreeing on QUÉRÉ, "term frequency"); for the other levels,
  random pairs of records; both smoothed towards French population defaults so that a file of thirty
  patients gives sensible weights too.

French identity is in the levels: birth and used names compared crosswise; a given name that is one of the
other given names or a part of a compound one; day and month swapped; the NIR, equal with or without its key,
told apart from the insured parent's number that a child's record often carries; first and family names
written in each other's column (tried as a second orientation, at a cost).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from rapidfuzz.distance import DamerauLevenshtein

from .traits import Traits, given_parts, nir_is_own

# --- Levels ---------------------------------------------------------------------------------------------------

NAME_LEVELS = ("exact", "close", "partial", "different")
GIVEN_LEVELS = ("exact", "other", "close", "different")
DATE_LEVELS = ("exact", "swapped", "typo", "close", "near", "partial", "year", "different")
NIR_LEVELS = ("same", "shared", "different")  # and "dated", without weight (see compare)
SEX_LEVELS = ("same", "different")
POSTCODE_LEVELS = ("same", "department", "different")
TRAITS = ("family_name", "given_name", "birth_date", "nir", "sex", "postcode")

#: How often the two records of one person show each level (a leaked lab file against the practice's base).
M: dict[str, dict[str, float]] = {
    # Typed again by someone else, possibly from a used name where the base has the birth name (crosswise
    # comparison catches most), with one typo in about one row in twelve.
    "family_name": {"exact": 0.88, "close": 0.08, "partial": 0.025, "different": 0.015},
    # A usual first name instead of the first of the civil-status list, or one typo.
    "given_name": {"exact": 0.88, "other": 0.06, "close": 0.05, "different": 0.01},
    # Day and month swapped by a reader in the wrong locale, one mistyped digit (into a date that cannot exist:
    # "typo", or into another real date: "close"), rarely worse.
    "birth_date": {
        "exact": 0.93,
        "swapped": 0.035,
        "typo": 0.012,
        "close": 0.013,
        "near": 0.001,
        "partial": 0.004,
        "year": 0.002,
        "different": 0.003,
    },  # fmt: skip
    # The same person's NIR, or the insured parent's (children), or a typo.
    "nir": {"same": 0.90, "shared": 0.04, "different": 0.06},
    "sex": {"same": 0.985, "different": 0.015},
    # People move between the visit and the leak.
    "postcode": {"same": 0.75, "department": 0.12, "different": 0.13},
}
#: First and family names written in each other's columns: the share of one person's pairs that do.
M_NAMES_SWAPPED = 0.02

#: What two different persons show, before the files are measured (French population, rough): the prior the
#: measured frequencies are smoothed towards, with the weight of ``PRIOR_PAIRS`` observed pairs.
U_DEFAULT: dict[str, dict[str, float]] = {
    "family_name": {"exact": 5e-4, "close": 1e-3, "partial": 1e-3, "different": 0.9975},
    "given_name": {"exact": 6e-3, "other": 6e-3, "close": 4e-3, "different": 0.984},
    "birth_date": {
        "exact": 4e-5,
        "swapped": 4e-5,
        "typo": 1e-5,
        "close": 1e-3,
        "near": 1e-3,
        "partial": 1e-3,
        "year": 0.012,
        "different": 0.986,
    },  # fmt: skip
    # "shared": the same number on two records of different persons of one family (a child carries the
    # insured parent's NIR) is common in practice exports.
    "nir": {"same": 1e-9, "shared": 5e-4, "different": 1.0},
    "sex": {"same": 0.5, "different": 0.5},
    "postcode": {"same": 0.01, "department": 0.05, "different": 0.94},
}
PRIOR_PAIRS = 2000.0
SAMPLED_PAIRS = 40_000
#: Random pairs measure ``u`` only when both files are large enough for such pairs to be almost never one
#: person (with thirty patients, one random pair in thirty would be a match).
MIN_SAMPLED_RECORDS = 2000


class Evidence(NamedTuple):
    """One trait's comparison: its level, its weight in bits, and which values agreed (codes, no values).

    A named tuple, not a dataclass: a million of them are made per 500,000 leaked rows.
    """

    trait: str
    level: str
    weight: float
    detail: str = ""  # e.g. "usage/birth" for the names compared, "swapped" for the orientation


# --- Comparisons ----------------------------------------------------------------------------------------------


def _distance(a: str, b: str) -> int:
    return int(DamerauLevenshtein.distance(a, b, score_cutoff=2))


def _tolerated(a: str, b: str, distance: int) -> bool:
    # One typo from four letters (ULF and ULFF too); two from eight (long compound names).
    shorter, longer = sorted((len(a), len(b)))
    return (distance == 1 and shorter >= 3 and longer >= 4) or (distance == 2 and shorter >= 8)


def compare_names(
    left: Sequence[str], right: Sequence[str], left_tokens: frozenset[str], right_tokens: frozenset[str]
) -> tuple[str, int, int]:
    """``(level, i, j)``: the family names' best agreement, and which of ``left`` and ``right`` gave it."""
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            if a == b:
                return "exact", i, j
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            if abs(len(a) - len(b)) <= 2 and _tolerated(a, b, _distance(a, b)):
                return "close", i, j
    if left_tokens and right_tokens and not left_tokens.isdisjoint(right_tokens):
        return "partial", -1, -1
    return "different", -1, -1


def compare_given(first: str, whole: str, words: frozenset[str], other: Traits) -> str:
    """The given names' level: ``first``/``whole``/``words`` of one record against the other record."""
    if first == other.first or (whole and whole == other.whole):
        return "exact"
    if first in other.words or other.first in words or (whole and whole in other.words):
        return "other"
    if abs(len(first) - len(other.first)) <= 2 and _tolerated(first, other.first, _distance(first, other.first)):
        return "close"
    if whole and whole != first and _tolerated(whole, other.whole, _distance(whole, other.whole)):
        return "close"
    for word in other.words:
        if word != other.first and abs(len(first) - len(word)) <= 2 and _tolerated(first, word, _distance(first, word)):
            return "close"
    return "different"


def compare_dates(a: Traits, b: Traits) -> str:
    if a.dob == b.dob and a.month and a.day:
        return "exact"
    if a.year == b.year:
        if a.month == b.day and a.day == b.month and a.month and a.day:
            return "swapped"
        if not (a.month and a.day and b.month and b.day):
            # A partial date (day or month unknown) agreeing on what it says.
            return "partial" if not (a.month and b.month) or a.month == b.month else "year"
    if _distance(a.dob, b.dob) == 1:
        # One digit mistyped: surely a typo when it gives a date that cannot exist; else maybe another person.
        return "close" if a.real_date and b.real_date else "typo"
    if _distance(f"{a.year:04d}{a.day:02d}{a.month:02d}", b.dob) == 1:
        return "near"  # swapped and mistyped: two defects, or two persons
    return "year" if a.year == b.year else "different"


_NEAR_DATES = frozenset({"exact", "swapped", "typo", "close", ""})


def compare_nir(a: Traits, b: Traits, date_level: str = "") -> str:
    """``same``: one NIR, the person's own (its year and month are those of a birth date, and the birth dates
    agree); ``shared``: one NIR on the records of two persons of one family (a child's record carries the
    insured parent's number); ``different``."""
    if a.nir != b.nir:
        return "different"
    # Two records that both carry a number not theirs (twins on their parent's NIR) share it; so do a child's
    # and a parent's record, whose birth dates are far apart.
    own = a.nir_own > 0 or b.nir_own > 0 or (a.nir_own == 0 and b.nir_own == 0)
    return "same" if own and date_level in _NEAR_DATES else "shared"


def compare_postcode(a: str, b: str) -> str:
    if a == b:
        return "same"
    return "department" if a[:2] == b[:2] else "different"


# --- Weights --------------------------------------------------------------------------------------------------


class Frequencies:
    """The ``u`` probabilities measured on the files: value frequencies and random pairs, smoothed."""

    def __init__(self, patients: Sequence[Traits], others: Sequence[Traits] = (), *, seed: int = 17) -> None:
        population = list(patients) + list(others)
        self.names = Counter(name for record in population for name in set(record.names))
        self.firsts = Counter(record.first for record in population if record.first)
        self.postcodes = Counter(record.postcode for record in population if record.postcode)
        self.records = max(len(population), 1)
        self.u = {trait: dict(levels) for trait, levels in U_DEFAULT.items()}
        self._sample(patients, others or patients, seed)

    def _sample(self, left: Sequence[Traits], right: Sequence[Traits], seed: int) -> None:
        if len(left) < MIN_SAMPLED_RECORDS or len(right) < MIN_SAMPLED_RECORDS:
            return
        rng = random.Random(seed)  # noqa: S311 - sampling pairs, not a secret
        counts: dict[str, Counter[str]] = {trait: Counter() for trait in ("family_name", "given_name", "birth_date")}
        pairs = 0
        for _ in range(SAMPLED_PAIRS):
            a, b = left[rng.randrange(len(left))], right[rng.randrange(len(right))]
            if a is b or not (a.names and b.names and a.first and b.first and a.has_date and b.has_date):
                continue
            pairs += 1
            counts["family_name"][compare_names(a.names, b.names, a.tokens, b.tokens)[0]] += 1
            counts["given_name"][compare_given(a.first, a.whole, a.words, b)] += 1
            counts["birth_date"][compare_dates(a, b)] += 1
        for trait, seen in counts.items():
            defaults = U_DEFAULT[trait]
            self.u[trait] = {
                level: (seen[level] + PRIOR_PAIRS * defaults[level]) / (pairs + PRIOR_PAIRS) for level in defaults
            }

    def exact_u(self, counter: Counter[str], value: str, default: float) -> float:
        """The frequency of ``value`` (probability that a random other record has it), smoothed."""
        return (counter[value] + PRIOR_PAIRS * default) / (self.records + PRIOR_PAIRS)


class Weights:
    """``log2(m / u)`` of every level, with the term-frequency adjustment of exact agreements."""

    def __init__(self, frequencies: Frequencies) -> None:
        self.frequencies = frequencies
        self.table = {
            trait: {level: math.log2(M[trait][level] / frequencies.u[trait][level]) for level in M[trait]}
            for trait in M
        }
        self.swapped = math.log2(M_NAMES_SWAPPED)
        self._name_cache: dict[str, float] = {}
        self._first_cache: dict[str, float] = {}
        self._postcode_cache: dict[str, float] = {}

    def name_exact(self, name: str) -> float:
        found = self._name_cache.get(name)
        if found is None:
            freq = self.frequencies
            u = freq.exact_u(freq.names, name, U_DEFAULT["family_name"]["exact"])
            found = self._name_cache[name] = math.log2(M["family_name"]["exact"] / u)
        return found

    def first_exact(self, first: str) -> float:
        found = self._first_cache.get(first)
        if found is None:
            freq = self.frequencies
            u = freq.exact_u(freq.firsts, first, U_DEFAULT["given_name"]["exact"])
            found = self._first_cache[first] = math.log2(M["given_name"]["exact"] / u)
        return found

    def postcode_same(self, postcode: str) -> float:
        found = self._postcode_cache.get(postcode)
        if found is None:
            freq = self.frequencies
            u = freq.exact_u(freq.postcodes, postcode, U_DEFAULT["postcode"]["same"])
            found = self._postcode_cache[postcode] = math.log2(M["postcode"]["same"] / u)
        return found


def _orientation(leak: Traits, patient: Traits, weights: Weights, swapped: bool) -> tuple[float, list[Evidence]]:
    table = weights.table
    if swapped:
        # The leaked row's given-name column holds the family name, and the other way round.
        leak_names: tuple[str, ...] = tuple(dict.fromkeys(name for name in (leak.whole, leak.first) if name))
        leak_tokens = leak.words
        first, whole, words = given_parts(leak.family_text) if leak.family_text else (leak.first, "", leak.tokens)
    else:
        leak_names, leak_tokens = leak.names, leak.tokens
        first, whole, words = leak.first, leak.whole, leak.words
    evidence: list[Evidence] = []
    total = weights.swapped if swapped else 0.0
    if leak_names and patient.names:
        level, i, j = compare_names(leak_names, patient.names, leak_tokens, patient.tokens)
        weight = weights.name_exact(patient.names[j]) if level == "exact" else table["family_name"][level]
        detail = ""
        if i >= 0:
            left_used = (not swapped) and leak.used[i]
            detail = f"{'usage' if left_used else 'birth'}/{'usage' if patient.used[j] else 'birth'}"
        evidence.append(Evidence("family_name", level, weight, detail))
        total += weight
    if first and patient.first:
        level = compare_given(first, whole, words, patient)
        weight = weights.first_exact(patient.first) if level == "exact" else table["given_name"][level]
        evidence.append(Evidence("given_name", level, weight))
        total += weight
    return total, evidence


def _may_be_swapped(leak: Traits, patient: Traits, evidence: list[Evidence]) -> bool:
    """Worth comparing the other way round: the family names do not agree as written, and the leaked given name
    starts like a family name of the patient, or the leaked family name like the patient's first name."""
    if evidence and evidence[0].level in ("exact", "close"):
        return False
    initials = {name[0] for name in patient.names}
    return leak.first[0] in initials or (bool(patient.first) and leak.names[0][0] == patient.first[0])


def compare(leak: Traits, patient: Traits, weights: Weights) -> tuple[float, tuple[Evidence, ...]]:
    """The total weight of a pair (bits) and the evidence of each trait, in :data:`TRAITS` order."""
    table = weights.table
    total, evidence = _orientation(leak, patient, weights, swapped=False)
    if total < 10 and leak.first and leak.names and _may_be_swapped(leak, patient, evidence):
        swapped_total, swapped_evidence = _orientation(leak, patient, weights, swapped=True)
        if swapped_total > total:
            total = swapped_total
            evidence = [Evidence(e.trait, e.level, e.weight, "swapped" + (f" {e.detail}" if e.detail else ""))
                        for e in swapped_evidence]  # fmt: skip
            evidence[0:0] = [Evidence("order", "swapped", weights.swapped)]
    date_level = ""
    if leak.year and patient.year:
        level = date_level = compare_dates(leak, patient)
        weight = table["birth_date"][level]
        evidence.append(Evidence("birth_date", level, weight))
        total += weight
    if leak.nir and patient.nir:
        level = compare_nir(leak, patient, date_level)
        weight = table["nir"][level]
        evidence.append(Evidence("nir", level, weight))
        total += weight
    elif (
        leak.nir
        and leak.nir_own < 0
        and date_level == "close"
        and nir_is_own(leak.nir, patient.year, patient.month, patient.day) > 0
    ):
        # A patient without NIR, a leaked date one digit from theirs, and the leaked NIR's year and month are the
        # patient's birth date, not the leaked one: the typo is in the leaked date. No weight; it confirms.
        evidence.append(Evidence("nir", "dated", 0.0))
    if leak.sex and patient.sex:
        level = "same" if leak.sex == patient.sex else "different"
        weight = table["sex"][level]
        evidence.append(Evidence("sex", level, weight))
        total += weight
    if leak.postcode and patient.postcode:
        level = compare_postcode(leak.postcode, patient.postcode)
        weight = weights.postcode_same(patient.postcode) if level == "same" else table["postcode"][level]
        evidence.append(Evidence("postcode", level, weight))
        total += weight
    return total, tuple(evidence)


def weights_for(patients: Sequence[Traits], others: Iterable[Traits] = ()) -> Weights:
    """The weights measured on a patient base and, when given, the leaked rows."""
    return Weights(Frequencies(patients, list(others)))
