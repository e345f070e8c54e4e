"""Command line: `annotator` opens the GUI; subcommands import, export and report."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from annotator import __version__
from annotator.core.model import Status
from annotator.formats.registry import EXPORT_FORMATS
from annotator.services.exporting import export_project
from annotator.services.importing import import_paths
from annotator.services.project import (
    Project,
    ProjectError,
    default_project_path,
    open_default_project,
    open_project,
)
from annotator.services.statistics import format_stats, project_stats


class UsageError(Exception):
    """Bad input on the command line: one line for the user, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate news articles with entities, claims and sentiment. "
        "Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    project_help = f"project file (SQLite) or database URL; default: {default_project_path()}"
    parser.add_argument("--project", help=project_help)
    parser.add_argument("--annotator", help="annotator name for edits (default: login name)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p_gui = sub.add_parser("gui", help="open the desktop app (the default)")
    p_gui.add_argument("--project", help=project_help, default=argparse.SUPPRESS)

    p_imp = sub.add_parser("import", help="import .txt/.md articles, folders and JSONL")
    p_imp.add_argument("paths", nargs="+", metavar="PATH")
    p_imp.add_argument("--project", help=project_help, default=argparse.SUPPRESS)
    p_imp.add_argument(
        "--annotator", help="annotator for annotations without one", default=argparse.SUPPRESS
    )

    p_exp = sub.add_parser("export", help="export documents and annotations")
    p_exp.add_argument("--format", default="jsonl", choices=sorted(EXPORT_FORMATS))
    p_exp.add_argument("--out", default="-", help="output file, or - for standard output")
    p_exp.add_argument("--project", help=project_help, default=argparse.SUPPRESS)
    p_exp.add_argument(
        "--status", choices=[s.value for s in Status], help="only documents with this status"
    )
    p_exp.add_argument(
        "--only-annotator",
        dest="only_annotator",
        metavar="NAME",
        help="only annotations made by this annotator",
    )

    p_copy = sub.add_parser(
        "copy", help="copy a whole project between SQLite files and database servers"
    )
    p_copy.add_argument("source", metavar="SRC", help="project file or database URL to copy")
    p_copy.add_argument(
        "destination", metavar="DST", help="new project file, or URL of an empty database"
    )

    p_grant = sub.add_parser(
        "grant", help="give a database user a role on a server project (run as its owner)"
    )
    p_grant.add_argument("user", metavar="USER", help="database login name")
    p_grant.add_argument("role", choices=["annotator", "reviewer", "admin"])
    p_grant.add_argument("--revoke", action="store_true", help="take the role away instead")
    p_grant.add_argument("--project", help=project_help, default=argparse.SUPPRESS)

    p_assign = sub.add_parser("assign", help="assign documents to an analyst")
    p_assign.add_argument("analyst", metavar="NAME", help="annotator name (database user)")
    p_assign.add_argument("documents", nargs="+", metavar="DOC_ID")
    p_assign.add_argument("--unassign", action="store_true", help="remove the assignment")
    p_assign.add_argument("--project", help=project_help, default=argparse.SUPPRESS)

    p_stats = sub.add_parser("stats", help="counts of documents and annotations")
    p_stats.add_argument("--project", help=project_help, default=argparse.SUPPRESS)
    p_stats.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def _open(args: argparse.Namespace, create: bool = True) -> Project:
    annotator = getattr(args, "annotator", None)
    if args.project:
        return open_project(args.project, annotator, create=create)
    return open_default_project(annotator)


def cmd_import(args: argparse.Namespace) -> int:
    with _open(args) as project:
        report = import_paths(project, args.paths)
    for problem in report.problems:
        print(f"refused: {problem}", file=sys.stderr)
    print(report.summary().capitalize())
    return 1 if report.problems else 0


def cmd_export(args: argparse.Namespace) -> int:
    status = Status(args.status) if args.status else None
    with _open(args, create=False) as project:
        report = export_project(
            project, args.out, args.format, status=status, annotator=args.only_annotator
        )
    where = "standard output" if args.out == "-" else args.out
    print(f"Exported {report.documents} documents to {where}", file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with _open(args, create=False) as project:
        stats = project_stats(project)
    if args.json:
        print(
            json.dumps(
                {
                    "documents": stats.documents,
                    "by_status": dict(stats.by_status),
                    "entities": stats.entities,
                    "claims": stats.claims,
                    "target_sentiments": stats.target_sentiments,
                    "document_sentiments": stats.document_sentiments,
                    "labels": dict(stats.labels),
                    "annotators": dict(stats.annotators),
                    "annotations_today": stats.annotations_today,
                },
                indent=2,
            )
        )
    else:
        print(format_stats(stats))
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    from annotator.services.copy import copy_project

    report = copy_project(args.source, args.destination)
    print(report.summary().capitalize(), file=sys.stderr)
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

    with _open(args, create=False) as project:
        known = set(project.repo.document_ids())
        unknown = [d for d in args.documents if d not in known]
        if unknown:
            raise UsageError(f"no such document: {', '.join(unknown)}")
        if args.unassign:
            unassign(project, args.documents, args.analyst)
            print(f"Unassigned {len(args.documents)} documents", file=sys.stderr)
        else:
            added = assign(project, args.documents, [args.analyst])
            print(f"Assigned {added} documents to {args.analyst}", file=sys.stderr)
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from annotator.app import run_gui

    return run_gui(project=args.project, annotator=getattr(args, "annotator", None))


COMMANDS = {
    "import": cmd_import,
    "export": cmd_export,
    "stats": cmd_stats,
    "copy": cmd_copy,
    "grant": cmd_grant,
    "assign": cmd_assign,
    "gui": cmd_gui,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = COMMANDS[args.command or "gui"]
    try:
        return handler(args)
    except (ProjectError, UsageError, ValueError) as exc:
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
