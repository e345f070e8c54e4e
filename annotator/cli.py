"""Command line: `annotator` opens the GUI; subcommands import, export and report."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

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


def _gui_args(p: argparse.ArgumentParser, project_help: str) -> None:
    _project_option(p, project_help)


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
        "--include-suggestions",
        action="store_true",
        help='native JSONL: add each document\'s pending suggestions under "suggestions"',
    )
    p_exp.add_argument(
        "--layer",
        default="all",
        help="annotations to write: all (default), gold (adjudicated where done), annotator:NAME",
    )


def _copy_args(p_copy: argparse.ArgumentParser, _project_help: str) -> None:
    p_copy.add_argument("source", metavar="SRC", help="project file or database URL to copy")
    p_copy.add_argument(
        "destination", metavar="DST", help="new project file, or URL of an empty database"
    )


def _backup_args(p_bak: argparse.ArgumentParser, project_help: str) -> None:
    _project_option(p_bak, project_help)
    p_bak.add_argument("--list", action="store_true", help="list the backups, newest first")


def _restore_args(p_res: argparse.ArgumentParser, project_help: str) -> None:
    p_res.add_argument("backup", nargs="?", help="backup file (default: the latest good one)")
    _project_option(p_res, project_help)


def _grant_args(p_grant: argparse.ArgumentParser, project_help: str) -> None:
    p_grant.add_argument("user", metavar="USER", help="database login name")
    p_grant.add_argument("role", choices=["annotator", "reviewer", "admin"])
    p_grant.add_argument("--revoke", action="store_true", help="take the role away instead")
    _project_option(p_grant, project_help)


def _assign_args(p_assign: argparse.ArgumentParser, project_help: str) -> None:
    p_assign.add_argument("analyst", metavar="NAME", help="annotator name (database user)")
    p_assign.add_argument("documents", nargs="+", metavar="DOC_ID")
    p_assign.add_argument("--unassign", action="store_true", help="remove the assignment")
    _project_option(p_assign, project_help)


def _stats_args(p_stats: argparse.ArgumentParser, project_help: str) -> None:
    _project_option(p_stats, project_help)
    p_stats.add_argument("--json", action="store_true", help="machine-readable output")


def _suggest_args(p: argparse.ArgumentParser, project_help: str) -> None:
    from annotator.suggest_cli import add_suggest_arguments

    add_suggest_arguments(p, project_help)


def _suggestions_args(p: argparse.ArgumentParser, project_help: str) -> None:
    from annotator.suggest_cli import add_suggestions_arguments

    add_suggestions_arguments(p, project_help)


def _agreement_args(p_agr: argparse.ArgumentParser, project_help: str) -> None:
    _project_option(p_agr, project_help)
    p_agr.add_argument(
        "--annotators",
        help="comma-separated analysts to compare (default: all; the first is the reference)",
    )
    p_agr.add_argument("--json", action="store_true", help="machine-readable output")


def _merge_args(p_merge: argparse.ArgumentParser, _project_help: str) -> None:
    p_merge.add_argument("sources", nargs="+", metavar="SRC", help="project files or URLs")
    p_merge.add_argument("--out", required=True, help="project to merge into (created if new)")


# The subcommands in the order --help lists them: (help, what adds their arguments).
SUBCOMMANDS: dict[str, tuple[str, Filler]] = {
    "gui": ("open the desktop app (the default)", _gui_args),
    "import": ("import .txt/.md articles, folders and JSONL", _import_args),
    "export": ("export documents and annotations", _export_args),
    "copy": ("copy a whole project between SQLite files and database servers", _copy_args),
    "backup": ("back up a project file now, or list its backups", _backup_args),
    "restore": (
        "put a backup in place of a damaged project (the damaged file is kept)",
        _restore_args,
    ),
    "grant": (
        "give a database user a role on a server project (run as its owner)",
        _grant_args,
    ),
    "assign": ("assign documents to an analyst", _assign_args),
    "stats": ("counts of documents and annotations", _stats_args),
    "suggest": ("propose annotations: quotations, gazetteer, spaCy model", _suggest_args),
    "suggestions": ("accept or reject stored suggestions in batches", _suggestions_args),
    "agreement": ("agreement between the analysts of a project", _agreement_args),
    "merge": ("merge analysts' projects into one (documents matched by content)", _merge_args),
}


def cmd_agreement(args: argparse.Namespace) -> int:
    from annotator.services.agreement import format_agreement, project_agreement

    names = _id_list(args.annotators)
    with _open(args, create=False, write=False) as project:
        report = project_agreement(project, names)
    print(json.dumps(report, indent=2) if args.json else format_agreement(report))
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from annotator.services.merge import merge_projects

    report = merge_projects(args.sources, args.out)
    for conflict in report.conflicts[:20]:
        print(f"conflict: {conflict}", file=sys.stderr)
    print(report.summary().capitalize(), file=sys.stderr)
    return 0


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
    for problem in report.problems:
        print(f"refused: {problem}", file=sys.stderr)
    if report.stopped:
        print(f"error: the import stopped: {report.stopped}", file=sys.stderr)
    print(report.summary().capitalize())
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


def cmd_copy(args: argparse.Namespace) -> int:
    from annotator.services.copy import copy_project

    report = copy_project(args.source, args.destination)
    print(report.summary().capitalize(), file=sys.stderr)
    return 0


def _project_file(args: argparse.Namespace) -> Path:
    from annotator.services.project import default_project_path
    from annotator.storage import sqlite_path

    path = sqlite_path(args.project) if args.project is not None else default_project_path()
    if path is None:
        raise UsageError("backups are for project files; back up a database server with its tools")
    return path


def cmd_backup(args: argparse.Namespace) -> int:
    from annotator.services.backups import create_backup, list_backups
    from annotator.services.project import open_project

    path = _project_file(args)
    if args.list:
        for backup in list_backups(path):
            when = backup.created.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            print(f"{when}  {backup.reason:<11}  {backup.path}")
        return 0
    with open_project(path, getattr(args, "annotator", None), create=False, backup=False):
        made = create_backup(path, reason="manual")
    print(f"Backed up {path.name} to {made}", file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from annotator.services.backups import latest_good_backup, restore_backup

    path = _project_file(args)
    chosen = Path(args.backup) if args.backup else latest_good_backup(path)
    if chosen is None:
        raise UsageError(f"no good backup of {path.name} found in {path.parent / 'backups'}")
    aside = restore_backup(path, chosen)
    kept = f"; the previous file was kept as {aside.name}" if aside.exists() else ""
    print(f"Restored {path.name} from {chosen.name}{kept}", file=sys.stderr)
    return 0


def cmd_grant(args: argparse.Namespace) -> int:
    from annotator.services.team import grant, revoke
    from annotator.storage.errors import StorageError
    from annotator.storage.roles import RolesUnsupported

    with _open(args, create=False) as project:
        try:
            if args.revoke:
                revoke(project, args.user, args.role)
            else:
                grant(project, args.user, args.role)
        except (RolesUnsupported, StorageError) as exc:
            raise UsageError(str(exc)) from None
    done = "revoked from" if args.revoke else "granted to"
    print(f"Role {args.role} {done} {args.user}", file=sys.stderr)
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    from annotator.services.team import assign, unassign
    from annotator.storage.errors import StorageError

    with _open(args, create=False) as project:
        known = set(project.repo.document_ids())
        unknown = [d for d in args.documents if d not in known]
        if unknown:
            raise UsageError(f"no such document: {', '.join(unknown)}")
        try:
            if args.unassign:
                removed = unassign(project, args.documents, args.analyst)
                print(f"Removed {removed} assignments from {args.analyst}", file=sys.stderr)
            else:
                added = assign(project, args.documents, [args.analyst])
                print(f"Assigned {added} documents to {args.analyst}", file=sys.stderr)
        except StorageError as exc:  # refused (no permission) or the server went away
            print(f"annotator: {exc}", file=sys.stderr)
            return 1
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    from annotator.suggest_cli import run_suggest

    with _open(args, create=False) as project:
        return run_suggest(project, args, _id_list(args.documents))


def cmd_suggestions(args: argparse.Namespace) -> int:
    from annotator.suggest_cli import run_decide

    with _open(args, create=False) as project:
        return run_decide(project, args, _id_list(args.documents))


def cmd_gui(args: argparse.Namespace) -> int:
    from annotator.app import run_gui

    return run_gui(project=args.project, annotator=getattr(args, "annotator", None))


def cmd_smoke_test(args: argparse.Namespace) -> int:
    from annotator.app import run_smoke_test

    return run_smoke_test()


COMMANDS = {
    "import": cmd_import,
    "export": cmd_export,
    "stats": cmd_stats,
    "copy": cmd_copy,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "grant": cmd_grant,
    "assign": cmd_assign,
    "suggest": cmd_suggest,
    "suggestions": cmd_suggestions,
    "gui": cmd_gui,
    "agreement": cmd_agreement,
    "merge": cmd_merge,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    from annotator.services.logs import configure_logging
    from annotator.services.project import ProjectError

    handler = cmd_smoke_test if args.smoke_test else COMMANDS[args.command or "gui"]
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
