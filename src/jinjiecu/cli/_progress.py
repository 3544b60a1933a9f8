"""A plain progress bar on standard error, drawn only when a person is watching."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Self

from jinjiecu.cli._text import clip, width

if TYPE_CHECKING:
    from typing import TextIO

_BAR = 24
_EVERY = 0.1  # seconds between redraws


class Progress:
    """``progress(done, total)`` redraws ``label [#####-----] 45% 4,500/10,000`` in place.

    Drawn only if ``enabled`` and the stream is a terminal (so logs, pipes and
    tests never see control characters); redraws at most ten times a second.
    ``total`` may be ``None`` (unknown): then only the count is shown. Use it
    as a context manager, or call :meth:`close`, to end the line.
    """

    def __init__(self, label: str, stream: TextIO, *, enabled: bool = True) -> None:
        self.label = label
        self.stream = stream
        isatty = getattr(stream, "isatty", None)
        self.active = enabled and callable(isatty) and bool(isatty())
        self._last = 0.0
        self._drawn = False
        self._width = 0
        self._state: tuple[int, int | None] = (0, None)
        self._shown: tuple[int, int | None] | None = None

    def __call__(self, done: int, total: int | None = None) -> None:
        """Record that ``done`` of ``total`` items are done; redraw if it is time."""
        self._state = (done, total)
        if not self.active:
            return
        moment = time.monotonic()
        finished = total is not None and done >= total
        if finished or moment - self._last >= _EVERY:
            self._last = moment
            self._draw()

    def line(self) -> str:
        """The text of the bar as it stands."""
        done, total = self._state
        label = clip(self.label, 30)
        if not total:
            return f"{label} {done:,}"
        share = min(1.0, max(0.0, done / total))
        filled = round(share * _BAR)
        bar = "#" * filled + "-" * (_BAR - filled)
        return f"{label} [{bar}] {share:4.0%} {done:,}/{total:,}"

    def _draw(self) -> None:
        text = self.line()
        pad = " " * max(0, self._width - width(text))
        self._width = width(text)
        self.stream.write(f"\r{text}{pad}")
        self.stream.flush()
        self._drawn = True
        self._shown = self._state

    def close(self) -> None:
        """Draw the last state and end the line (only if anything was drawn)."""
        if self.active and self._drawn:
            if self._shown != self._state:
                self._draw()
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
