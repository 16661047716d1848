"""One matching run from files to results, and the MATCHES.csv it writes (no Django: the command line and the
benchmark run it without a database; the service stores what it returns).

The patients are read first. A leaked CSV file that Polars' C reader reads exactly as the line reader would
(:meth:`LeakSource.frame`) is read at once from its bytes, its blocking keys made and joined to the patients'
in Polars (:mod:`vigie.linkage.blocking`), and only the rows that share a key are compared, in this process.
Any other leaked file (XLSX, quoted cells…) streams through the line reader chunk by chunk, matched as the
chunks come, by this process or (``processes`` > 1, a fork start method) by that many processes forked once
the patients are indexed, which read the index without copying it.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import IO

from vigie.linkage import MAX_BLOCK, Matcher, Result, Thresholds, weights_for
from vigie.linkage.blocking import IDENTITY, PatientIndex, cells_frame

from .reading import LeakFrame, LeakSource, PatientBase, Row, bulk, identity_cells, row_traits

MATCHES_HEADER = "leak_line;patient_line;score;decision"
CHUNK_ROWS = 5000


@dataclass
class Found:
    """A leaked row matched or to review, with what its line shows (identity cells) and exposes (categories)."""

    result: Result
    cells: dict[str, str]
    categories: tuple[str, ...]


@dataclass
class Outcome:
    """The leaked rows matched or to review, in file order, and the counts."""

    found: list[Found]
    rows: int
    unreadable: int = 0
    results: list[Result] = field(init=False)

    def __post_init__(self) -> None:
        self.results = [item.result for item in self.found]

    def counts(self) -> dict[str, int]:
        tally = {"rows": self.rows, "match": 0, "review": 0, "none": 0}
        for result in self.results:
            tally[result.decision] += 1
        tally["none"] = self.rows - tally["match"] - tally["review"]
        return tally


def run(
    patients: PatientBase,
    leak: LeakSource,
    *,
    thresholds: Thresholds | None = None,
    progress: Callable[[int, int], None] | None = None,
    processes: int = 1,
) -> Outcome:
    """Match every leaked row against the patient base.

    The weights are measured on the patient base (value frequencies, random pairs), smoothed towards French
    population defaults. ``progress(done, total)`` is called after each chunk (``total`` is the line count).
    """
    total = leak.estimated_rows or 0
    matcher = Matcher(patients.traits, weights=weights_for(patients.traits), thresholds=thresholds,
                      leak_rows=max(total, 1))  # fmt: skip
    frame = leak.frame()
    if frame is not None:
        return Outcome(_from_frame(matcher, frame, progress), leak.rows_read, leak.unreadable)
    chunks = _chunks(leak.rows())
    if processes > 1:
        matcher.index  # noqa: B018 - made once before forking, shared by the children
    if processes > 1 and "fork" in multiprocessing.get_all_start_methods():
        matched = _in_processes(matcher, chunks, processes)
    else:
        matched = (_match_chunk(matcher, chunk) for chunk in chunks)
    found: list[Found] = []
    for chunk_found in matched:
        found.extend(chunk_found)
        if progress is not None:
            progress(leak.rows_read, max(total, leak.rows_read))
    if progress is not None:
        progress(leak.rows_read, leak.rows_read)
    return Outcome(found, leak.rows_read, leak.unreadable)


def _from_frame(matcher: Matcher, frame: LeakFrame, progress: Callable[[int, int], None] | None) -> list[Found]:
    """The leaked rows read at once (:meth:`LeakSource.frame`): their keys made and joined to the patients' in
    Polars, only the rows that share one compared in Python (about one in four of a leaked file: its other
    people). A thread makes the next chunk's candidates in Polars while this one is compared. The comparisons
    stay in this process: forked ones cost more (their copies of the pages of the patients and caches they
    touch: 42 s of CPU against 28 s for 500,000 rows, docs/benchmarks.md) than the rows they would share."""
    found: list[Found] = []
    with bulk(), ThreadPoolExecutor(1) as ahead:
        index = PatientIndex(matcher.patients, max_block=MAX_BLOCK)
        chunks = index.chunks(cells_frame(frame.identity.select(IDENTITY)))
        upcoming = ahead.submit(next, chunks, None)
        while (chunk := upcoming.result()) is not None:
            upcoming = ahead.submit(next, chunks, None)
            rows = frame.rows([row for row, _positions in chunk])
            pairs = [(read, positions) for read, (_row, positions) in zip(rows, chunk, strict=True)]
            found.extend(_decide_chunk(matcher, pairs))
            if progress is not None and chunk:
                progress(chunk[-1][0] + 1, frame.height)
    if progress is not None:
        progress(frame.height, frame.height)
    return found


def _decide_chunk(matcher: Matcher, chunk: list[tuple[Row, list[int]]]) -> list[Found]:
    found: list[Found] = []
    decide = matcher.decide
    with bulk():
        for (line, identity, categories), positions in chunk:
            result = decide(row_traits(line, identity), positions)
            if result is not None and result.decision != "none":
                found.append(Found(result, identity_cells(identity), categories))
    return found


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


def _match_chunk(matcher: Matcher, chunk: list[Row]) -> list[Found]:
    found: list[Found] = []
    best = matcher.best
    with bulk():
        for line, identity, categories in chunk:
            result = best(row_traits(line, identity))
            if result is not None and result.decision != "none":
                found.append(Found(result, identity_cells(identity), categories))
    return found


_MATCHER: Matcher | None = None  # set before forking: the children read it, never copy it whole


def _child(chunk: list[Row]) -> list[Found]:
    assert _MATCHER is not None
    return _match_chunk(_MATCHER, chunk)


def _in_processes(matcher: Matcher, chunks: Iterator[list[Row]], processes: int) -> Iterator[list[Found]]:
    global _MATCHER
    _MATCHER = matcher
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            yield from pool.imap(_child, chunks)
    finally:
        _MATCHER = None


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
