"""The blocking keys of :mod:`.matcher` made column by column (Polars), and joined to find the candidate pairs.

The same keys as :func:`.matcher.patient_keys` and :func:`.matcher.leak_keys` (a test checks the two give the
same sets), made for a whole file at once: each distinct cell (a family name, a given-name list, a date, a
NIR) is normalised once in Python (:mod:`.traits`), the keys are built by Polars' string expressions and the
leaked rows' keys are joined to the patients' in its engine. Only the leaked rows that share a key with some
patient then go through Python (their traits, :func:`.compare.compare` and the decision): a leaked file holds
mostly other people, so four rows in five never leave the engine.

    index = PatientIndex(patients)                    # Traits of the patient base, as the Matcher is given
    frame = cells_frame(leaked_cells)                 # the leaked rows' identity cells (IDENTITY columns)
    for row, positions in index.candidates(frame):    # row of ``frame``, patients' positions, in row order
        ...
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import polars as pl

from .traits import _NO_GIVEN, Traits, _date, _given, _names, _nir

#: The identity cells a leaked-rows frame holds (stripped text, "" when absent), as ``traits()`` takes them.
IDENTITY = ("birth_name", "usage_name", "given_names", "birth_date", "nir")
#: Leaked rows whose keys are made and joined at once (bounds the memory of the key table: ~40 keys a row).
CHUNK_ROWS = 100_000

_TRAIT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "names": pl.List(pl.String),
    "family": pl.List(pl.String),  # the initials of the family names
    "as_first": pl.String,  # the first family name, read as a given name (names written the other way round)
    "first": pl.String,
    "f1": pl.String,  # its initial
    "firsts": pl.List(pl.String),  # first and whole, distinct, non-empty
    "givens": pl.List(pl.String),  # first, whole and (up to eight) every word of the given names
    "words": pl.List(pl.String),  # every word, when there are several; else none (only their initials are used)
    "initials": pl.List(pl.String),  # initials of ``firsts``, and of every word when there are several
    "year": pl.Int32,
    "month": pl.Int32,
    "day": pl.Int32,
    "nir": pl.String,
}
_NAME_COLUMNS = ("names", "family", "as_first")
_GIVEN_COLUMNS = ("first", "f1", "firsts", "givens", "words", "initials")


def _name_columns(names: tuple[str, ...]) -> tuple[list[str], list[str], str]:
    return list(names), list({name[0] for name in names}), names[0] if names else ""


def _given_columns(
    first: str, whole: str, words: frozenset[str]
) -> tuple[str, str, list[str], list[str], list[str], list[str]]:
    firsts = [given for given in dict.fromkeys((first, whole)) if given]
    several = list(words) if len(words) > 1 else []
    givens = {first, whole, *words} if len(words) <= 8 else {first, whole}
    initials = {given[0] for given in firsts} | {word[0] for word in several}
    return first, first[:1], firsts, [given for given in givens if given], several, list(initials)


_SEPARATOR = "\x1f"  # never in a key: names and given names are folded to letters and digits


def _frame(rows: Sequence[tuple[object, ...]], columns: Sequence[str], keys: dict[str, pl.Series]) -> pl.DataFrame:
    """A frame of ``columns`` from Python rows. A list column is made from its items joined in one string and
    split by Polars (a Series of lists built from Python lists is thirty times slower); an empty list is null,
    which gives no key as an empty list does."""
    data = dict(keys)
    for position, column in enumerate(columns):
        if _TRAIT_SCHEMA[column] == pl.String or _TRAIT_SCHEMA[column] == pl.Int32:
            data[column] = pl.Series(column, [row[position] for row in rows], dtype=_TRAIT_SCHEMA[column])
        else:
            joined = [_SEPARATOR.join(row[position]) or None for row in rows]  # type: ignore[arg-type]
            data[column] = pl.Series(column, joined, dtype=pl.String).str.split(_SEPARATOR)
    return pl.DataFrame(data)


def traits_frame(records: Sequence[Traits]) -> pl.DataFrame:
    """The columns the keys are made of, one row per record (``row`` is its position in ``records``)."""
    names = [_name_columns(record.names) for record in records]
    givens = [_given_columns(record.first, record.whole, record.words) for record in records]
    frame = _frame(names, _NAME_COLUMNS, {"row": pl.Series("row", range(len(records)), dtype=pl.UInt32)})
    return frame.hstack(_frame(givens, _GIVEN_COLUMNS, {})).hstack(
        [
            pl.Series("year", [record.year for record in records], dtype=pl.Int32),
            pl.Series("month", [record.month for record in records], dtype=pl.Int32),
            pl.Series("day", [record.day for record in records], dtype=pl.Int32),
            pl.Series("nir", [record.nir for record in records], dtype=pl.String),
        ]
    )


def cells_frame(cells: pl.DataFrame) -> pl.DataFrame:
    """The key columns of leaked rows from their identity cells (a frame with the :data:`IDENTITY` columns,
    stripped strings, "" when empty): each distinct value normalised once, as :func:`.traits.traits` does."""
    cells = cells.select([pl.col(name).fill_null("") for name in IDENTITY]).with_row_index("row")
    pairs = cells.select("birth_name", "usage_name").unique()
    named = [_name_columns(_names(birth, usage)[0]) for birth, usage in pairs.iter_rows()]
    pairs = pairs.hstack(_frame(named, _NAME_COLUMNS, {}))
    givens = cells.select("given_names").unique()
    parts = [_given_columns(*(_given(text) if text else _NO_GIVEN)) for text in givens["given_names"]]
    givens = givens.hstack(_frame(parts, _GIVEN_COLUMNS, {}))
    dates = cells.select("birth_date").unique()
    parsed = [_date(text)[:3] for text in dates["birth_date"]]
    dates = dates.hstack(_frame(parsed, ("year", "month", "day"), {}))
    numbers = cells.select(pl.col("nir").alias("nir_cell")).unique()
    numbers = numbers.with_columns(
        pl.Series("nir_key", [_nir(text) if text else "" for text in numbers["nir_cell"]], dtype=pl.String)
    )
    return (
        cells.join(pairs, on=["birth_name", "usage_name"], how="left")
        .join(givens, on="given_names", how="left")
        .join(dates, on="birth_date", how="left")
        .join(numbers, left_on="nir", right_on="nir_cell", how="left")
        .select(pl.col("row"), *[pl.col("nir_key" if name == "nir" else name).alias(name) for name in _TRAIT_SCHEMA])
        .sort("row")
    )


def key_frame(frame: pl.DataFrame, *, leak: bool) -> pl.DataFrame:
    """``(row, key)``: every blocking key of every row of a traits frame; a leaked row's (``leak``) also with
    its first and family names exchanged. The same sets as :func:`.matcher.patient_keys` / ``leak_keys``
    (a leaked row's keys may repeat; a patient's do not)."""
    year = pl.col("year").cast(pl.String)
    month, day = pl.col("month"), pl.col("day")
    low = pl.min_horizontal(month, day).cast(pl.String).str.zfill(2)
    high = pl.max_horizontal(month, day).cast(pl.String).str.zfill(2)
    lazy = (
        frame.lazy()
        .with_columns(
            full=(pl.col("year") > 0) & (month > 0) & (day > 0),
            dated=pl.col("year") > 0,
            date=year + low + high,
            swappable=(pl.col("as_first") != "") & (pl.col("first") != ""),
        )
        .collect()
        .lazy()
    )  # made once, read by every part
    parts: list[pl.LazyFrame] = []

    def part(condition: pl.Expr | None, explode: Sequence[str], key: pl.Expr) -> None:
        selected = lazy if condition is None else lazy.filter(condition)
        for column in explode:
            selected = selected.explode(column)
        parts.append(selected.select(pl.col("row"), key.alias("key")))

    name, given, initial, word = pl.col("names"), pl.col("firsts"), pl.col("family"), pl.col("words")
    date, f1, full, dated = pl.col("date"), pl.col("f1"), pl.col("full"), pl.col("dated")
    bar = pl.lit("|")
    part(pl.col("nir") != "", (), pl.lit("N") + pl.col("nir"))
    part(full, ("names",), pl.lit("D") + date + name.str.head(1) + f1)
    part(full, ("names", "words"), pl.lit("D") + date + name.str.head(1) + word.str.head(1))
    part(full, ("firsts", "family"), pl.lit("Z") + given + bar + date.str.slice(4) + bar + initial)
    part(full, ("names",), pl.lit("E") + name + bar + date)
    part(dated, ("firsts", "family"), pl.lit("M") + given + bar + year + bar + month.cast(pl.String) + bar + initial)
    part(dated, ("names", "initials"), pl.lit("Y") + name + bar + year + bar + pl.col("initials"))
    part(None, ("names", "givens"), pl.lit("G") + name + bar + pl.col("givens"))
    if leak:
        as_first, swappable = pl.col("as_first"), pl.col("swappable")
        part(full & swappable, (), pl.lit("D") + date + f1 + as_first.str.head(1))
        part(full, ("firsts", "family"), pl.lit("M") + given + bar + year + bar + day.cast(pl.String) + bar + initial)
        part(full & swappable, (), pl.lit("Z") + as_first + bar + date.str.slice(4) + bar + f1)
        part(full, ("firsts",), pl.lit("E") + given + bar + date)
        for other in (month, day):
            part(dated & swappable, (), pl.lit("M") + as_first + bar + year + bar + other.cast(pl.String) + bar + f1)
        part(dated & swappable, ("firsts",), pl.lit("Y") + given + bar + year + bar + as_first.str.head(1))
        part(as_first != "", ("firsts",), pl.lit("G") + given + bar + as_first)
    keys = pl.concat(parts).drop_nulls("key")
    return (keys if leak else keys.unique()).collect()


class PatientIndex:
    """The patients' blocking keys, those shared by at most ``max_block`` patients (as :class:`.Matcher`)."""

    def __init__(self, patients: Sequence[Traits], *, max_block: int) -> None:
        keys = key_frame(traits_frame(patients), leak=False)
        sizes = keys.group_by("key").len()
        kept = sizes.filter(pl.col("len") <= max_block).select("key")
        self.table = keys.join(kept, on="key", how="semi").rename({"row": "patient"})

    def candidates(self, frame: pl.DataFrame) -> Iterator[tuple[int, list[int]]]:
        """``(row, positions of the patients sharing a key with it, ascending)`` for each row of a traits frame
        that has any, in row order."""
        for chunk in self.chunks(frame):
            yield from chunk

    def chunks(self, frame: pl.DataFrame) -> Iterator[list[tuple[int, list[int]]]]:
        """:meth:`candidates` :data:`CHUNK_ROWS` rows of ``frame`` at a time (Polars works without holding the
        GIL: a thread can make the next chunk while the caller compares this one)."""
        for start in range(0, frame.height, CHUNK_ROWS):
            keys = key_frame(frame.slice(start, CHUNK_ROWS), leak=True)
            pairs = (
                keys.join(self.table, on="key", how="inner").select("row", "patient").unique().sort("row", "patient")
            )
            found: list[tuple[int, list[int]]] = []
            row, positions = -1, list[int]()
            for number, patient in pairs.iter_rows():
                if number != row:
                    if positions:
                        found.append((row, positions))
                    row, positions = number, []
                positions.append(patient)
            if positions:
                found.append((row, positions))
            yield found
