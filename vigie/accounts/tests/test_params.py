"""A number from a request is plain ASCII digits within the database's integer, or it is not a number."""

from __future__ import annotations

import pytest

from vigie.accounts.params import int_or_none, ints


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), ("0", 0), ("²", None), ("٣", None), ("-1", None), ("1.5", None), ("", None), (None, None),
     (" 1", None), ("9" * 19, None), ("9" * 5000, None), (str(2**63 - 1), 2**63 - 1)],
)  # fmt: skip
def test_only_plain_numbers_are_numbers(value, expected) -> None:
    assert int_or_none(value) == expected


def test_a_maximum_and_a_list() -> None:
    assert int_or_none("1000001", maximum=10**6) is None
    assert ints(["1", "²", "x", "3"]) == [1, 3]
