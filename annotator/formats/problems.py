"""Problems found in input files, always with the file and (where known) the line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ImportProblem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


class FormatError(ValueError):
    """A whole input that cannot be read; carries the problem."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.problem = ImportProblem(str(path), line, message)
        super().__init__(str(self.problem))


class RecordError(ValueError):
    """One record that cannot be imported; the reader adds file and line."""
