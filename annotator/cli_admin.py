"""The command line's other commands (the GUI, copy, backups, team, suggestions, review):
their arguments and what they run. `annotator.cli` loads this module only for them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from annotator.cli import UsageError, _id_list, _open, _project_option


def _gui_args(p: argparse.ArgumentParser, project_help: str) -> None:
    _project_option(p, project_help)


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
