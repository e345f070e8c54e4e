"""`annotator stats`, `export` and `import` start without loading what they do not use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main

NEVER = (  # the GUI, migrations, optional parsers and models, other commands' services
    "PySide6",
    "alembic",
    "sqlalchemy",  # a SQLite project at the current schema is opened with sqlite3 alone
    "spacy",
    "trafilatura",
    "docx",
    "pypdf",
    "keyring",
    "psycopg",
    "annotator.ui",
    "annotator.app",
    "annotator.services.suggesters",
    "annotator.services.spacy_suggest",
    "annotator.services.gazetteers",
    "annotator.services.agreement",
    "annotator.services.merge",
    "annotator.core.quotation",
    "annotator.core.schema_changes",
    "annotator.suggest_cli",
    "annotator.cli_admin",  # the other commands
    "platformdirs",  # ANNOTATOR_HOME names the data folder
    "logging.handlers",  # the log rotates on a plain FileHandler
    "socket",  # the lock names the host from os.uname()
)
READ_ONLY = (  # a command that does not write takes no lock and makes no backup
    "annotator.services.lock",
    "annotator.services.backups",
)
OTHERS = {  # and per command, the other commands' services and formats
    "stats": (
        *READ_ONLY,
        "annotator.services.exporting",
        "annotator.services.importing",
        "annotator.formats.importers",
        "annotator.formats.registry",
        "annotator.core.suggestions",  # the suggest commands' arguments and code
    ),
    "export": (
        *READ_ONLY,
        "annotator.storage.bulk_writes",  # writes only
        "annotator.services.suggestion_export",  # --include-suggestions only
        "annotator.formats.json_lines",  # reading JSONL only
        "annotator.services.importing",
        "annotator.services.statistics",
        "annotator.formats.importers",
    ),
    "import": (  # of a plain-text article already in the project
        "annotator.services.exporting",
        "annotator.services.statistics",
        "annotator.formats.registry",
        "annotator.formats.native_jsonl",  # a JSONL file's reader
        "annotator.services.suggestion_import",  # predictions, annotations added
        "annotator.storage.sqlite_reads",  # no reads
        "annotator.core.schema",
    ),
}


def loaded_modules(argv: list[str], home: Path) -> list[str]:
    """The modules loaded after running the command line with `argv` in a fresh Python."""
    script = (
        "import json, sys\n"
        "from annotator.cli import main\n"
        f"code = main({argv!r})\n"
        "print(json.dumps([code, sorted(sys.modules)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "ANNOTATOR_HOME": str(home)},
    )
    code, modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert code == 0, done.stderr
    return list(modules)


@pytest.mark.parametrize("command", ["stats", "export", "import"])
def test_a_command_loads_only_what_it_needs(tmp_path: Path, command: str) -> None:
    project = tmp_path / "p.annotator"
    first, article = tmp_path / "first.txt", tmp_path / "a.txt"
    first.write_text("A short article about Acme.", encoding="utf-8")
    article.write_text("Another article.", encoding="utf-8")
    assert main(["--project", str(project), "import", str(first)]) == 0
    argv = {
        "stats": ["--project", str(project), "stats"],
        "export": ["--project", str(project), "export", "--out", str(tmp_path / "out.jsonl")],
        "import": ["--project", str(project), "import", str(article)],
    }[command]
    modules = loaded_modules(argv, tmp_path / "home")
    for name in (*NEVER, *OTHERS[command]):
        assert not [m for m in modules if m == name or m.startswith(name + ".")], name
    assert "annotator.cli" in modules  # the check saw the command line run


def test_the_parser_for_one_command_parses_as_the_whole_parser() -> None:
    """Only the subcommands named on the command line get their arguments; the rest are
    listed alike, so parsing and the top-level help do not change."""
    from annotator.cli import SUBCOMMANDS, build_parser

    whole = build_parser()
    assert build_parser(["--help"]).format_help() == whole.format_help()
    argvs = [
        ["stats", "--json"],
        ["--project", "p.annotator", "export", "--format", "conll", "--status", "done"],
        ["import", "a.txt", "b.jsonl", "--format", "doccano", "--offsets", "utf16"],
        ["suggestions", "accept", "--kind", "entity", "--dry-run"],
        ["--project", "stats", "merge", "a", "--out", "b"],
    ]
    for argv in argvs:
        assert build_parser(argv).parse_args(argv) == whole.parse_args(argv), argv
    for name in SUBCOMMANDS:
        lean = build_parser([name])._subparsers._group_actions[0].choices[name]  # type: ignore[union-attr]
        full = whole._subparsers._group_actions[0].choices[name]  # type: ignore[union-attr]
        assert lean.format_help() == full.format_help(), name
