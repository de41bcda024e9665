"""`SurfaceError`: why a typed function was refused, in words a student understands.

It is a ValueError whose message names the problem and, where there is one, the column of the user's
text where it starts (1-based, counted in the text exactly as typed, `^` included). It survives a
round trip through pickle, so the worker process can raise it and the app can show it unchanged.
"""

from __future__ import annotations


class SurfaceError(ValueError):
    """A typed function was refused; `column` is the 1-based column of the problem, or None."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def __reduce__(self) -> tuple[type[SurfaceError], tuple[str, int | None]]:
        return (type(self), (self.message, self.column))
