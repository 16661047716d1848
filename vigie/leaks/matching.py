"""One matching run from files to results, and the MATCHES.csv it writes (no Django: the command line and the
benchmark run it without a database; the service stores what it returns)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

from vigie.linkage import Matcher, Result, Thresholds, weights_for

from .reading import LeakFile, PatientBase

MATCHES_HEADER = "leak_line;patient_line;score;decision"


@dataclass
class Outcome:
    """The results (leaked rows with a candidate, in file order) and the counts."""

    results: list[Result]
    rows: int

    def counts(self) -> dict[str, int]:
        tally = {"rows": self.rows, "match": 0, "review": 0, "none": 0}
        for result in self.results:
            tally[result.decision] += 1
        tally["none"] = self.rows - tally["match"] - tally["review"]
        return tally


def run(
    patients: PatientBase,
    leak: LeakFile,
    *,
    thresholds: Thresholds | None = None,
    progress: Callable[[int, int], None] | None = None,
    every: int = 5000,
) -> Outcome:
    """Match every leaked row against the patient base (weights measured on both files)."""
    matcher = Matcher(
        patients.traits,
        weights=weights_for(patients.traits, leak.traits),
        thresholds=thresholds,
        leak_rows=len(leak.traits),
    )
    results: list[Result] = []
    total = len(leak.traits)
    best = matcher.best
    for done, record in enumerate(leak.traits, start=1):
        result = best(record)
        if result is not None:
            results.append(result)
        if progress is not None and done % every == 0:
            progress(done, total)
    if progress is not None:
        progress(total, total)
    return Outcome(results, total)


def write_matches(results: Iterable[Result], file: IO[str]) -> int:
    """``leak_line;patient_line;score;decision``: one line per leaked row matched or to review; lines counted."""
    file.write(MATCHES_HEADER + "\n")
    written = 0
    for result in results:
        if result.decision == "none":
            continue
        file.write(f"{result.leak_line};{result.patient_line};{result.score:.4f};{result.decision}\n")
        written += 1
    return written
