"""Coverage-guided fuzzing of every importer with atheris (optional: `make fuzz`).

    python tests/fuzzing/atheris_importers.py -max_total_time=600 [-only=doccano,brat-zip]
    python tests/fuzzing/atheris_importers.py -max_total_time=600 -each   # (make fuzz)

With ``-each`` the time is split evenly and every importer is fuzzed in its own run, so
that slow ones (spaCy) get their share; the exit status is non-zero if any run crashed.

The first byte of an input picks the importer (every seed of `tests/fuzzing/seeds.py`:
native JSONL, doccano, Prodigy, Hugging Face, Label Studio JSON and JSONL, CoNLL, text,
brat pairs and zips, spaCy). The second byte picks the mode: the rest of the input is the
file itself (byte-level, starting from the seed corpus written at start-up), or it drives
the structured mutations of the seed (hostile JSON values, dropped keys, byte damage).
Any exception other than a refusal, or a refusal that does not name the file on one line,
is a crash that atheris reports with the input. Every 5,000 inputs the counts per
importer are printed.
"""

from __future__ import annotations

import atexit
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository: tests.fuzzing

with atheris.instrument_imports(include=["annotator"]):
    from annotator.formats import (  # noqa: F401
        brat,
        conll,
        doccano,
        hf_tokens,
        importers,
        json_lines,
        label_studio,
        limits,
        native_jsonl,
        plaintext,
        prodigy,
        source_text,
        spacy_docbin,
    )
    from annotator.formats.limits import ImportLimits, using_limits

from tests.fuzzing.seeds import SEEDS, mutated_files, run_importer

T = TypeVar("T")
ONLY = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("-only=")), "")
NAMES = [n for n in sorted(SEEDS) if not ONLY or n in ONLY.split(",")]
WORK = Path(tempfile.mkdtemp(prefix="annotator-fuzz-"))
LIMITS = ImportLimits(max_record_bytes=1 << 20, max_file_bytes=4 << 20)
RUNS: Counter[str] = Counter()


class ProviderChooser:
    """A Chooser over atheris' FuzzedDataProvider."""

    def __init__(self, data: bytes) -> None:
        self._fdp = atheris.FuzzedDataProvider(data)

    def integer(self, low: int, high: int) -> int:
        return int(self._fdp.ConsumeIntInRange(low, high))

    def pick(self, options: Sequence[T]) -> T:
        return options[self.integer(0, len(options) - 1)]

    def raw(self, size: int) -> bytes:
        return bytes(self._fdp.ConsumeBytes(size)).ljust(size, b"\0")


def _files(name: str, structured: bool, body: bytes) -> dict[str, bytes]:
    seed = SEEDS[name]
    if structured:
        return mutated_files(ProviderChooser(body), seed)
    if seed.fmt == "brat" and not seed.name.endswith(".zip"):  # .ann and .txt from one input
        ann, _, txt = body.partition(b"\n\n\n")
        return {"d.ann": ann, "d.txt": txt}
    return {seed.name: body}


def test_one_input(data: bytes) -> None:
    if len(data) < 2:
        return
    name = NAMES[data[0] % len(NAMES)]
    files = _files(name, data[1] % 2 == 1, data[2:])
    folder = Path(tempfile.mkdtemp(dir=WORK))
    try:
        with using_limits(LIMITS):
            run_importer(SEEDS[name], folder, files)
    finally:
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()
    RUNS[name] += 1
    total = sum(RUNS.values())
    if total % 5000 == 0:
        print(f"#{total} inputs per importer: {dict(sorted(RUNS.items()))}", flush=True)


def write_corpus(folder: Path) -> None:
    """One input per seed and mode: the valid files, as the fuzzer starts from them."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, name in enumerate(NAMES):
        seed = SEEDS[name]
        files = mutated_files(_Unchanged(), seed)
        if seed.fmt == "brat" and not seed.name.endswith(".zip"):
            body = files["d.ann"] + b"\n\n\n" + files["d.txt"]
        else:
            body = files[seed.name]
        (folder / f"{name}.raw").write_bytes(bytes([index, 0]) + body)
        (folder / f"{name}.structured").write_bytes(bytes([index, 1]) + bytes(range(256)))


class _Unchanged:
    def integer(self, low: int, high: int) -> int:
        return low

    def pick(self, options: Sequence[T]) -> T:
        return options[0]

    def raw(self, size: int) -> bytes:
        return b" " * size


def each(args: list[str]) -> int:
    """Fuzz every importer in turn, splitting -max_total_time between them."""
    total = next((int(a.split("=", 1)[1]) for a in args if a.startswith("-max_total_time=")), 60)
    rest = [a for a in args if a != "-each" and not a.startswith(("-max_total_time=", "-only="))]
    per = max(1, total // len(NAMES))
    failed = []
    for name in NAMES:
        command = [sys.executable, __file__, f"-only={name}", f"-max_total_time={per}", *rest]
        print(f"== {name}: {per} s", flush=True)
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(name)
    print(f"== {len(NAMES) - len(failed)}/{len(NAMES)} importers ran clean", flush=True)
    if failed:
        print(f"== crashed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


def main() -> None:
    if "-each" in sys.argv:
        sys.exit(each(sys.argv[1:]))
    corpus = WORK / "corpus"
    write_corpus(corpus)
    args = [a for a in sys.argv if not a.startswith("-only=")]
    if not any(not a.startswith("-") for a in args[1:]):
        args.append(str(corpus))  # start from the seeds unless a corpus is given
    print(f"fuzzing {len(NAMES)} importers: {', '.join(NAMES)}", flush=True)
    atexit.register(lambda: print(f"inputs per importer: {dict(sorted(RUNS.items()))}", flush=True))
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
