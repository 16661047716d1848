"""One matching run from files to results, and the MATCHES.csv it writes (no Django: the command line and the
benchmark run it without a database; the service stores what it returns)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

from vigie.linkage import Matcher, Result, Thresholds, Traits, weights_for

from .reading import LeakFile, PatientBase, bulk

MATCHES_HEADER = "leak_line;patient_line;score;decision"


@dataclass
class Outcome:
    """The results (leaked rows matched or to review, in file order) and the counts."""

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
    processes: int = 1,
    parallel_from: int = 20_000,
    every: int = 5000,
) -> Outcome:
    """Match every leaked row against the patient base (weights measured on both files).

    The results are the leaked rows matched or to review, in file order. With ``processes`` > 1 (and a fork
    start method), the leaked rows are shared out between that many processes, forked once the patients are
    indexed: they read the index and the rows without copying them.
    """
    matcher = Matcher(
        patients.traits,
        weights=weights_for(patients.traits, leak.traits),
        thresholds=thresholds,
        leak_rows=len(leak.traits),
    )
    total = len(leak.traits)
    if processes > 1 and total >= parallel_from and "fork" in multiprocessing.get_all_start_methods():
        results = _in_processes(matcher, leak.traits, processes, progress, every)
    else:
        results = _match_range(matcher, leak.traits, 0, total, progress, every)
    if progress is not None:
        progress(total, total)
    return Outcome(results, total)


_SHARED: tuple[Matcher, list[Traits]] | None = None  # set before forking: the children read it, never copy it


def _match_range(
    matcher: Matcher,
    rows: list[Traits],
    start: int,
    stop: int,
    progress: Callable[[int, int], None] | None = None,
    every: int = 5000,
) -> list[Result]:
    results: list[Result] = []
    best = matcher.best
    with bulk():
        for done in range(start, stop):
            result = best(rows[done])
            if result is not None and result.decision != "none":
                results.append(result)
            if progress is not None and (done + 1) % every == 0:
                progress(done + 1, len(rows))
    return results


def _child(bounds: tuple[int, int]) -> list[Result]:
    assert _SHARED is not None
    matcher, rows = _SHARED
    return _match_range(matcher, rows, *bounds)


def _in_processes(
    matcher: Matcher, rows: list[Traits], processes: int, progress: Callable[[int, int], None] | None, every: int
) -> list[Result]:
    global _SHARED
    size = max(every, len(rows) // (processes * 8))
    bounds = [(start, min(start + size, len(rows))) for start in range(0, len(rows), size)]
    _SHARED = (matcher, rows)
    results: list[Result] = []
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for (_start, stop), found in zip(bounds, pool.imap(_child, bounds), strict=True):
                results.extend(found)
                if progress is not None:
                    progress(stop, len(rows))
    finally:
        _SHARED = None
    return results


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
