"""`annotator stats`, `export` and `import` start without loading what they do not use."""

from __future__ import annotations

import json
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
)
OTHERS = {  # and per command, the other commands' services
    "stats": ("annotator.services.exporting", "annotator.services.importing"),
    "export": ("annotator.services.importing", "annotator.services.statistics"),
    "import": ("annotator.services.exporting", "annotator.services.statistics"),
}


def loaded_modules(argv: list[str]) -> list[str]:
    """The modules loaded after running the command line with `argv` in a fresh Python."""
    script = (
        "import json, sys\n"
        "from annotator.cli import main\n"
        f"code = main({argv!r})\n"
        "print(json.dumps([code, sorted(sys.modules)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
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
    modules = loaded_modules(argv)
    for name in (*NEVER, *OTHERS[command]):
        assert not [m for m in modules if m == name or m.startswith(name + ".")], name
    assert "annotator.cli" in modules  # the check saw the command line run
