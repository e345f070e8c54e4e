"""Problems found in input files, always with the file and (where known) the line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def one_line(text: str) -> str:
    """`text` with control characters escaped and undecodable bytes of a file name shown
    as ``\\xNN`` (Python's surrogate escapes), so that a refusal stays one printable line."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif "\udc80" <= ch <= "\udcff":  # a byte of a name that is not UTF-8
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        else:
            out.append(repr(ch)[1:-1] if ch != "'" else ch)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class ImportProblem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        path = one_line(self.path)
        where = f"{path}:{self.line}" if self.line is not None else path
        return f"{where}: {one_line(self.message)}"


class FormatError(ValueError):
    """A whole input that cannot be read; carries the problem."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.problem = ImportProblem(str(path), line, message)
        super().__init__(str(self.problem))


class RecordError(ValueError):
    """One record that cannot be imported; the reader adds file and line."""
