"""The two shapes every check of this package returns: a value with its warnings, or an :class:`Invalid`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


class Invalid(ValueError):
    """A value that cannot be used; ``str(error)`` is the reason in plain French."""


@dataclass(frozen=True, slots=True)
class Checked(Generic[T]):
    """A usable value and the non-blocking remarks about it (French sentences)."""

    value: T
    warnings: tuple[str, ...] = ()
