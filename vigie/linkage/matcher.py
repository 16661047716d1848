"""Finding, for each leaked row, the patient it is most likely to be, and deciding match / review / none.

Blocking: comparing every leaked row with every patient (500,000 × 100,000) is out of reach, so patients are
indexed under a few keys and a leaked row is compared only with the patients that share one of them:

- ``N``: the NIR's 13 characters;
- ``D``: the birth date with day and month in either order, and the initials of a family name and of the
  first given name;
- ``G``: a family name and a given name (the birth or the used name; any given name of a patient's list, a
  compound one whole or in parts);
- ``E``: a family name and the birth date (day and month in either order), whatever the first name;
- ``Y``: a family name, the birth year and the initial of a given name;
- ``M``: the first given name, the birth year, the month (or the day: swapped dates) and the family initial;
- ``Z``: the first given name, the day and the month in either order (a mistyped year) and the family initial.

Initials cut the blocks of frequent names twentyfold; a typo is seldom on the first letter.

Each key is also tried with the leaked row's first and family names exchanged. A person is missed only when
every key is broken at once (a typo in the date *and* in both names, and no NIR), which the benchmark
measures (``bench/bench_leaks.py``). A key shared by more than ``MAX_BLOCK`` patients says too little and is
not used.

Deciding: the pair's weight (:mod:`.compare`) plus the prior odds that a leaked row and a patient taken at
random are one person gives the log-odds of a match. The best patient is a **match** when those odds reach
``match``, no other patient comes within ``margin`` bits (homonyms born the same day: a person decides),
the pair is *confirmed* (birth dates that agree, swapped or within one digit, or the person's own NIR) and
not *contradicted* (family or given names that differ outright: twins; the weights of independent traits
overrate such pairs, families share names); **review** when the odds reach ``review``, unless the birth dates
differ (beyond a swap, one digit or a partial date) without the person's own NIR to outweigh them: homonyms
and a father and his son of the same name are two persons however rare their name; otherwise **none**.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from .compare import Evidence, Weights, compare, weights_for
from .traits import Traits

MAX_BLOCK = 2000
_CONFIRMING = frozenset(
    {
        ("birth_date", "exact"),
        ("birth_date", "swapped"),
        ("birth_date", "typo"),
        ("birth_date", "close"),
        ("nir", "same"),
    }
)
_CONTRADICTING = frozenset({("family_name", "different"), ("given_name", "different")})
_EXCLUDING = frozenset({("birth_date", "year"), ("birth_date", "different")})


def excluded(evidence: Iterable[Evidence]) -> bool:
    """Whether the pair is two persons whatever its weight: birth dates that differ (beyond a swap, a typo or
    a partial date) and no NIR of the person's own to say otherwise. Homonyms, and a father and his son."""
    levels = {(item.trait, item.level) for item in evidence}
    return not levels.isdisjoint(_EXCLUDING) and ("nir", "same") not in levels


def automatic(evidence: Iterable[Evidence]) -> bool:
    """Whether a pair may be matched without a person's review: confirmed, and not contradicted."""
    levels = {(item.trait, item.level) for item in evidence}
    if ("nir", "same") in levels:
        # The person's own NIR and birth date: a family name changed by marriage, a usual first name not in
        # the base. Not with another birth date (a child's record on the parent's NIR).
        dated = ("birth_date", "exact") in levels or ("birth_date", "swapped") in levels
        return dated or levels.isdisjoint(_CONTRADICTING)
    if not levels.isdisjoint(_CONTRADICTING):
        return False
    if ("birth_date", "close") in levels and levels.isdisjoint({("postcode", "same"), ("nir", "dated")}):
        # One digit away from another real date: a homonym born that year is as likely as a typo, unless the
        # postcode agrees or the leaked NIR carries the patient's birth year and month (not the leaked ones).
        return False
    return not levels.isdisjoint(_CONFIRMING)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision thresholds on the posterior log-odds (bits) of the best pair."""

    match: float = 7.0  # odds 128:1, probability ≥ 0.992
    review: float = -4.0  # probability ≥ 0.06
    margin: float = 5.0  # the second-best patient at least 32 times less likely


@dataclass(frozen=True, slots=True)
class Result:
    """The best patient of one leaked row and what was decided."""

    leak_line: int
    patient_line: int
    patient: int  # index of the patient in the matcher's list
    score: float  # probability that the leaked row is this patient
    weight: float  # the pair's total weight in bits (without the prior)
    decision: str  # "match" | "review" | "none"
    evidence: tuple[Evidence, ...]
    runner_up: float | None  # weight of the second-best patient, if any
    candidates: int


def _initials(record: Traits) -> set[str]:
    """The initials of a family name and of the first given name, together: "DH" for Hélène Dupont."""
    given = record.first[:1]
    return {name[0] + given for name in record.names} if given else {name[0] for name in record.names}


def _date_key(record: Traits) -> str:
    low, high = sorted((record.month, record.day))
    return f"{record.year}{low:02d}{high:02d}"


def patient_keys(record: Traits) -> set[str]:
    keys: set[str] = set()
    if record.nir:
        keys.add("N" + record.nir)
    firsts = [given for given in dict.fromkeys((record.first, record.whole)) if given]
    family = {name[0] for name in record.names}
    given_initials = {given[0] for given in firsts} | (
        {word[0] for word in record.words} if len(record.words) > 1 else set()
    )
    if record.year:
        if record.month and record.day:
            date = _date_key(record)
            keys.update(f"D{date}{initial}" for initial in _initials(record))
            if len(record.words) > 1:  # a usual first name that is not the first (a patient's list)
                keys.update(f"D{date}{name[0]}{word[0]}" for name in record.names for word in record.words)
            keys.update(f"Z{given}|{date[4:]}|{initial}" for given in firsts for initial in family)
            keys.update(f"E{name}|{date}" for name in record.names)  # whatever the first name: twins, usual names
        keys.update(f"M{given}|{record.year}|{record.month}|{initial}" for given in firsts for initial in family)
        keys.update(f"Y{name}|{record.year}|{initial}" for name in record.names for initial in given_initials)
    givens = {record.first, record.whole, *record.words} if len(record.words) <= 8 else {record.first, record.whole}
    for name in record.names:
        keys.update(f"G{name}|{given}" for given in givens if given)
    return keys


def leak_keys(record: Traits) -> set[str]:
    keys = patient_keys(record)
    # The same keys with first and family names exchanged (written in each other's column).
    as_names = [given for given in dict.fromkeys((record.whole, record.first)) if given]
    as_first = record.names[0] if record.names else ""
    family = {name[0] for name in record.names}
    if record.year:
        if record.month and record.day and as_first and record.first:
            keys.add(f"D{_date_key(record)}{record.first[0]}{as_first[0]}")
        if record.month and record.day:
            keys.update(f"M{given}|{record.year}|{record.day}|{initial}" for given in (record.first, record.whole)
                        if given for initial in family)  # fmt: skip
            if as_first and record.first:
                keys.add(f"Z{as_first}|{_date_key(record)[4:]}|{record.first[0]}")
            keys.update(f"E{name}|{_date_key(record)}" for name in as_names)
        if as_first and record.first:
            keys.add(f"M{as_first}|{record.year}|{record.month}|{record.first[0]}")
            keys.add(f"M{as_first}|{record.year}|{record.day}|{record.first[0]}")
            keys.update(f"Y{name}|{record.year}|{as_first[0]}" for name in as_names)
    if as_first:
        keys.update(f"G{name}|{as_first}" for name in as_names)
    return keys


class Matcher:
    """The patients indexed once; :meth:`best` finds the best patient of one leaked row."""

    def __init__(
        self,
        patients: Sequence[Traits],
        *,
        weights: Weights | None = None,
        thresholds: Thresholds | None = None,
        leak_rows: int | None = None,
    ) -> None:
        self.patients = patients
        self.weights = weights or weights_for(patients)
        self.thresholds = thresholds or Thresholds()
        # Prior odds that a leaked row and a patient taken at random are one person: at most one patient per
        # leaked row, and (at most) every patient of the smaller file found.
        rows = max(leak_rows or len(patients), 1)
        pairs = max(len(patients), 1) * rows
        expected = max(1, min(len(patients), rows))
        self.prior = math.log2(expected / max(pairs - expected, 1))

    @cached_property
    def index(self) -> dict[str, tuple[int, ...]]:
        """``{blocking key: positions of the patients}``, keys shared by more than ``MAX_BLOCK`` left out (made
        on first use: a run whose candidates come from :class:`.blocking.PatientIndex` never needs it)."""
        index: defaultdict[str, list[int]] = defaultdict(list)
        for position, record in enumerate(self.patients):
            for key in patient_keys(record):
                index[key].append(position)
        return {key: tuple(found) for key, found in index.items() if len(found) <= MAX_BLOCK}

    def candidates(self, record: Traits) -> set[int]:
        found: set[int] = set()
        get = self.index.get
        for key in leak_keys(record):
            block = get(key)
            if block:
                found.update(block)
        return found

    def best(self, record: Traits) -> Result | None:
        """The best patient for a leaked row, or None when no patient shares a blocking key with it."""
        return self.decide(record, sorted(self.candidates(record)))

    def decide(self, record: Traits, found: Sequence[int]) -> Result | None:
        """The best of the patients at positions ``found`` (distinct, ascending: the first of equal weights
        wins) for a leaked row, and the decision; None when ``found`` is empty."""
        if not found:
            return None
        patients, weights = self.patients, self.weights
        best_weight = second = -math.inf
        best_index = -1
        best_evidence: tuple[Evidence, ...] = ()
        for position in found:
            weight, evidence = compare(record, patients[position], weights)
            if weight > best_weight:
                second = best_weight
                best_weight, best_index, best_evidence = weight, position, evidence
            elif weight > second:
                second = weight
        odds = best_weight + self.prior
        score = 1.0 / (1.0 + 2.0 ** (-odds)) if odds > -60 else 0.0
        limits = self.thresholds
        runner_up = second if second > -math.inf else None
        if (
            odds >= limits.match
            and (runner_up is None or best_weight - runner_up >= limits.margin)
            and automatic(best_evidence)
        ):
            decision = "match"
        elif odds >= limits.review and not excluded(best_evidence):
            decision = "review"
        else:
            decision = "none"
        return Result(
            leak_line=record.line,
            patient_line=patients[best_index].line,
            patient=best_index,
            score=score,
            weight=best_weight,
            decision=decision,
            evidence=best_evidence,
            runner_up=runner_up,
            candidates=len(found),
        )


def match(
    patients: Sequence[Traits],
    leaked: Sequence[Traits],
    *,
    thresholds: Thresholds | None = None,
    progress: Callable[[int, int], None] | None = None,
    every: int = 5000,
) -> Iterator[Result]:
    """The best patient of each leaked row that has one (rows without any candidate are skipped).

    The weights are measured on both files (value frequencies, random pairs). ``progress(done, total)`` is
    called every ``every`` rows and at the end.
    """
    matcher = Matcher(patients, weights=weights_for(patients, leaked), thresholds=thresholds, leak_rows=len(leaked))
    total = len(leaked)
    for done, record in enumerate(leaked, start=1):
        result = matcher.best(record)
        if result is not None:
            yield result
        if progress is not None and done % every == 0:
            progress(done, total)
    if progress is not None:
        progress(total, total)


def counts(results: Iterable[Result], rows: int) -> dict[str, int]:
    """``{"rows", "match", "review", "none"}``: ``none`` counts the rows without candidate too."""
    tally = {"match": 0, "review": 0, "none": 0}
    for result in results:
        tally[result.decision] += 1
    tally["none"] += rows - sum(tally.values())
    return {"rows": rows, **tally}
