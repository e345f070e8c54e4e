"""Command line: `annotator` opens the GUI; subcommands import, export and report."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Each command imports what it needs when it runs, and the parser gives arguments only to
# the subcommands named on the command line, so that a command starts without loading the
# others' modules (formats, exporters, suggesters, spaCy glue, the GUI).
from annotator import __version__

if TYPE_CHECKING:
    from annotator.services.project import Project

log = logging.getLogger(__name__)


class UsageError(Exception):
    """Bad input on the command line: one line for the user, exit status 2."""


Filler = Callable[[argparse.ArgumentParser, str], None]


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser.

    Every subcommand is listed (name and help); with `argv`, only those whose name is one of
    its words get their own arguments: argparse picks a subcommand by its exact name, so
    the parse (and every --help) is the same as with the whole parser, which `argv=None`
    builds.
    """
    from annotator.services.project import default_project_path

    wanted = None if argv is None else set(argv)
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate news articles with entities, claims and sentiment. "
        "Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    project_help = f"project file (SQLite) or database URL; default: {default_project_path()}"
    parser.add_argument("--project", help=project_help)
    parser.add_argument("--annotator", help="annotator name for edits (default: login name)")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="check this installation on a throwaway project (no display needed), then exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (summary, fill) in SUBCOMMANDS.items():
        command = sub.add_parser(name, help=summary)
        if wanted is None or name in wanted:
            fill(command, project_help)
    return parser


def _project_option(p: argparse.ArgumentParser, project_help: str) -> None:
    p.add_argument("--project", help=project_help, default=argparse.SUPPRESS)


def _import_args(p_imp: argparse.ArgumentParser, project_help: str) -> None:
    from annotator.formats.importers import IMPORT_FORMATS

    p_imp.add_argument("paths", nargs="+", metavar="PATH")
    _project_option(p_imp, project_help)
    p_imp.add_argument(
        "--annotator", help="annotator for annotations without one", default=argparse.SUPPRESS
    )
    p_imp.add_argument(
        "--format",
        default="auto",
        choices=["auto", *sorted(IMPORT_FORMATS)],
        help="input format (default: recognised per file by suffix and content)",
    )
    p_imp.add_argument(
        "--offsets",
        default="auto",
        choices=["auto", "codepoint", "utf16"],
        help="unit of doccano/Label Studio offsets (default: the tool's own, overridden by "
        "span text in a record)",
    )
    p_imp.add_argument(
        "--max-record-mb",
        type=float,
        metavar="MB",
        help="refuse records (a JSON line, an article, a zip member) larger than this "
        "(default: $ANNOTATOR_MAX_RECORD_MB or 64)",
    )
    p_imp.add_argument(
        "--max-file-mb",
        type=float,
        metavar="MB",
        help="refuse files read whole (.json, .spacy) larger than this "
        "(default: $ANNOTATOR_MAX_FILE_MB or 256)",
    )
    p_imp.add_argument(
        "--as-suggestions",
        action="store_true",
        help="store imported annotations as suggestions to accept or reject",
    )


def _export_args(p_exp: argparse.ArgumentParser, project_help: str) -> None:
    from annotator.core.model import Status
    from annotator.formats.registry import EXPORT_FORMATS

    p_exp.add_argument("--format", default="jsonl", choices=sorted(EXPORT_FORMATS))
    p_exp.add_argument("--out", default="-", help="output file, or - for standard output")
    _project_option(p_exp, project_help)
    p_exp.add_argument(
        "--status", choices=[s.value for s in Status], help="only documents with this status"
    )
    p_exp.add_argument(
        "--only-annotator",
        dest="only_annotator",
        metavar="NAME",
        help="only annotations made by this annotator",
    )
    p_exp.add_argument("--labels", help="only entities with these labels (comma-separated)")
    p_exp.add_argument(
        "--documents", help="only these document ids (comma-separated, or @FILE with one a line)"
    )
    p_exp.add_argument(
        "--offsets",
        default=None,
        choices=["codepoint", "utf16"],
        help="offset unit for doccano/Label Studio (default: the tool's own, doccano utf16)",
    )
    p_exp.add_argument(
        "--no-manifest", action="store_true", help="do not write OUT.manifest.json beside OUT"
    )
    p_exp.add_argument(
        "--workers",
        type=_worker_count,
        default=None,
        metavar="N",
        help="processes reading a large SQLite project side by side for a jsonl export "
        "(default: one per core, up to 4, from 10,000 documents; 1: this process alone)",
    )
    p_exp.add_argument(
        "--include-suggestions",
        action="store_true",
        help='native JSONL: add each document\'s pending suggestions under "suggestions"',
    )
    p_exp.add_argument(
        "--layer",
        default="all",
        help="annotations to write: all (default), gold (adjudicated where done), annotator:NAME",
    )


def _stats_args(p_stats: argparse.ArgumentParser, project_help: str) -> None:
    _project_option(p_stats, project_help)
    p_stats.add_argument("--json", action="store_true", help="machine-readable output")


def _elsewhere(name: str) -> Callable[..., Any]:
    """`annotator.cli_admin.<name>`, imported when called: the other commands' code is not
    even compiled when import, export or stats runs."""

    def call(*args: Any, **kwargs: Any) -> Any:
        from annotator import cli_admin

        return getattr(cli_admin, name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


# The subcommands in the order --help lists them: (help, what adds their arguments).
SUBCOMMANDS: dict[str, tuple[str, Filler]] = {
    "gui": ("open the desktop app (the default)", _elsewhere("_gui_args")),
    "import": ("import .txt/.md articles, folders and JSONL", _import_args),
    "export": ("export documents and annotations", _export_args),
    "copy": (
        "copy a whole project between SQLite files and database servers",
        _elsewhere("_copy_args"),
    ),
    "backup": ("back up a project file now, or list its backups", _elsewhere("_backup_args")),
    "restore": (
        "put a backup in place of a damaged project (the damaged file is kept)",
        _elsewhere("_restore_args"),
    ),
    "grant": (
        "give a database user a role on a server project (run as its owner)",
        _elsewhere("_grant_args"),
    ),
    "assign": ("assign documents to an analyst", _elsewhere("_assign_args")),
    "stats": ("counts of documents and annotations", _stats_args),
    "suggest": (
        "propose annotations: quotations, gazetteer, spaCy model",
        _elsewhere("_suggest_args"),
    ),
    "suggestions": (
        "accept or reject stored suggestions in batches",
        _elsewhere("_suggestions_args"),
    ),
    "agreement": ("agreement between the analysts of a project", _elsewhere("_agreement_args")),
    "merge": (
        "merge analysts' projects into one (documents matched by content)",
        _elsewhere("_merge_args"),
    ),
}


def _open(
    args: argparse.Namespace, create: bool = True, write: bool = True, lean: bool = False
) -> Project:
    """Open the project; read-only commands (write=False) work while the app has it open.

    `lean`: the bulk commands (import, export, stats) on a SQLite project whose schema is
    current use plain sqlite3 and start without loading SQLAlchemy.
    """
    from annotator.services.project import (
        default_project_path,
        open_default_project,
        open_project,
    )

    annotator = getattr(args, "annotator", None)
    options = {"lock": write, "backup": write, "lean": lean}
    if args.project is not None:
        return open_project(args.project, annotator, create=create, **options)
    if not create:  # never create (and seed) the default project without its lock
        return open_project(default_project_path(), annotator, create=False, **options)
    return open_default_project(annotator, lock=write, lean=lean)


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.services.importing import ImportLimits, import_paths
    from annotator.services.search_index import pending_note

    try:
        limits = ImportLimits.from_mb(args.max_record_mb, args.max_file_mb)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    with _open(args, lean=True) as project:
        report = import_paths(
            project,
            args.paths,
            fmt=args.format,
            offsets=args.offsets,
            limits=limits,
            as_suggestions=args.as_suggestions,
        )
        waiting = pending_note(project) if report.imported and not report.stopped else None
    for problem in report.problems:
        print(f"refused: {problem}", file=sys.stderr)
    if report.stopped:
        print(f"error: the import stopped: {report.stopped}", file=sys.stderr)
    print(report.summary().capitalize())
    if waiting is not None:
        print(f"note: {waiting}", file=sys.stderr)
    return 1 if report.problems or report.stopped else 0


def _id_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    if value.startswith("@"):
        try:
            lines = Path(value[1:]).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise UsageError(f"{value[1:]}: {exc.strerror}") from None
        return [line.strip() for line in lines if line.strip()]
    return [part.strip() for part in value.split(",") if part.strip()]


def _worker_count(value: str) -> int:
    """`--workers`: a whole number from 1."""
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1, got {value!r}")
    return n


def cmd_export(args: argparse.Namespace) -> int:
    from annotator.core.model import Status
    from annotator.services.exporting import export_project

    status = Status(args.status) if args.status else None
    with _open(args, create=False, write=False, lean=True) as project:
        report = export_project(
            project,
            args.out,
            args.format,
            status=status,
            annotator=args.only_annotator,
            ids=_id_list(args.documents),
            labels=_id_list(args.labels),
            offsets=args.offsets,
            manifest=not args.no_manifest,
            include_suggestions=args.include_suggestions,
            layer=args.layer,
            workers=args.workers,
        )
        if project.bulk.bad_rows.count:  # stored rows the export could not use
            print(f"note: {project.bulk.bad_rows.summary()}", file=sys.stderr)
    for kind, count in sorted(report.losses.items()):
        print(f"lost: {count} {kind.replace('_', ' ')}", file=sys.stderr)
    for note in report.notes[:20]:
        print(f"note: {note}", file=sys.stderr)
    if len(report.notes) > 20:
        print(f"note: ... see {report.manifest or 'the manifest'} for more", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from annotator.services.statistics import format_stats, project_stats

    with _open(args, create=False, write=False, lean=not args.json) as project:
        stats = project_stats(project)
        if args.json:
            from annotator.services.review_stats import review_statistics, stats_json

            extended = {**stats_json(stats), **review_statistics(project)}
    if args.json:
        print(json.dumps(extended, indent=2))
    else:
        print(format_stats(stats))
    return 0


COMMANDS = {
    "import": cmd_import,
    "export": cmd_export,
    "stats": cmd_stats,
    "copy": _elsewhere("cmd_copy"),
    "backup": _elsewhere("cmd_backup"),
    "restore": _elsewhere("cmd_restore"),
    "grant": _elsewhere("cmd_grant"),
    "assign": _elsewhere("cmd_assign"),
    "suggest": _elsewhere("cmd_suggest"),
    "suggestions": _elsewhere("cmd_suggestions"),
    "gui": _elsewhere("cmd_gui"),
    "agreement": _elsewhere("cmd_agreement"),
    "merge": _elsewhere("cmd_merge"),
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    from annotator.services.logs import configure_logging
    from annotator.services.project import ProjectError

    handler = _elsewhere("cmd_smoke_test") if args.smoke_test else COMMANDS[args.command or "gui"]
    if not args.smoke_test:  # the smoke test leaves the user's data folder untouched
        configure_logging()
    log.info(
        "annotator %s: %s",
        __version__,
        args.command or ("smoke test" if args.smoke_test else "gui"),
    )
    try:
        if args.project is not None and not args.project.strip():
            raise UsageError("--project is empty: give a project file or a database URL")
        return handler(args)
    except (ProjectError, UsageError, ValueError) as exc:  # FormatUnavailable is a ValueError
        print(f"annotator: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("annotator: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except OSError as exc:
        name = f" {exc.filename}" if exc.filename else ""
        print(f"annotator:{name} {exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
