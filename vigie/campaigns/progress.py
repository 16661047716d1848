"""A terminal progress bar (import, dispatch): one line redrawn in place, only when the output is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from vigie.risk.french import integer


def _duration(seconds: float) -> str:
    seconds = int(max(0, seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


class Bar:
    """``[#######.......]  45 %  225 000 / 500 000  1 234/s  reste 0:03:02``."""

    def __init__(self, total: int, *, label: str = "", stream: TextIO | None = None, width: int = 30) -> None:
        self.total = max(total, 0)
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.start = time.monotonic()
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last_draw = 0.0

    def update(self, done: int, *, total: int | None = None, force: bool = False) -> None:
        if total is not None:
            self.total = total
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last_draw < 0.2):
            return
        self.last_draw = now
        elapsed = max(now - self.start, 1e-6)
        rate = done / elapsed
        share = min(1.0, done / self.total) if self.total else 0.0
        filled = int(share * self.width)
        left = (self.total - done) / rate if rate and self.total > done else 0
        line = (
            f"\r{self.label}[{'#' * filled}{'.' * (self.width - filled)}] {share * 100:5.1f} %  "
            f"{integer(done)}/{integer(self.total)}  {integer(rate)}/s  reste {_duration(left)} "
        )
        self.stream.write(line)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
