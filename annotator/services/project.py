"""Opening projects: locations, the default project, seed articles, the current annotator."""

from __future__ import annotations

import getpass
import importlib
import logging
import os
import sqlite3
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator import APP_NAME
from annotator.services.errors import ProjectCorrupt, ProjectError
from annotator.storage.errors import ConflictError
from annotator.storage.locations import UnsupportedLocation, sqlite_path
from annotator.storage.locations import is_url as is_url  # re-exported for the ui layer
from annotator.storage.sqlite_files import file_problem, foreign_problem, integrity_problems

if TYPE_CHECKING:
    from annotator.core.schema import LabelSchema
    from annotator.core.schema_changes import SchemaRenames, SchemaUsage
    from annotator.services.backups import BackupFailed, backup_if_due, create_backup
    from annotator.services.lock import ProjectLock, ProjectLocked
    from annotator.storage.bulk_store import BulkStore
    from annotator.storage.repository import ProjectRepository
    from annotator.storage.sqlite_store import SqliteStore

__all__ = [
    "PROJECT_SUFFIX",
    "Project",
    "ProjectCorrupt",
    "ProjectError",
    "ProjectLocked",
    "default_project_path",
    "open_default_project",
    "open_project",
]

log = logging.getLogger(__name__)

# Names from the backup and lock modules, imported on first use (PEP 562, and `_load` before
# this module uses them): a read-only command takes no lock and writes no backup.
_LAZY = {
    "BackupFailed": "backups",
    "backup_if_due": "backups",
    "create_backup": "backups",
    "ProjectLock": "lock",
    "ProjectLocked": "lock",
}


def _load(module: str) -> None:
    """Put this module's names from `annotator.services.<module>` in its globals, once (a
    name already there, say replaced by a test, stays)."""
    names = [name for name, where in _LAZY.items() if where == module]
    if all(name in globals() for name in names):
        return
    loaded = importlib.import_module(f"annotator.services.{module}")
    for name in names:
        globals().setdefault(name, getattr(loaded, name))


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    _load(module)
    return globals()[name]


PROJECT_SUFFIX = ".annotator"
# A quick check reads the whole file (about 0.3 s for 40 MB here); above this size, opening
# relies on SQLite's own errors and the first backup's integrity check finds damage instead.
QUICK_CHECK_MAX_BYTES = 16 * 2**20
# Up to this size the check on open is a full integrity_check, which also finds an index
# that lost a row (two writers through a hard link did that): 0.06 s for 7.8 MB here
# (quick_check: 0.02 s).
FULL_CHECK_AT_OPEN_MAX_BYTES = 8 * 2**20


def data_dir() -> Path:
    """Where the default project lives (ANNOTATOR_HOME overrides the platform's data dir)."""
    override = os.environ.get("ANNOTATOR_HOME")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_project_path() -> Path:
    return data_dir() / f"default{PROJECT_SUFFIX}"


def seeds_dir() -> Path | None:
    """The folder of seed articles shipped with the app (source tree, wheel or frozen build)."""
    candidates = []
    if env := os.environ.get("ANNOTATOR_SEEDS"):
        candidates.append(Path(env))
    if frozen := getattr(sys, "_MEIPASS", None):
        candidates.append(Path(frozen) / "seeds")
    candidates.append(Path(__file__).resolve().parents[2] / "seeds")
    candidates.append(Path(sys.prefix) / "share" / "annotator" / "seeds")
    for folder in candidates:
        if folder.is_dir():
            return folder
    return None


def current_user() -> str:
    """The annotator name used when none is given: ANNOTATOR_USER, else the login name."""
    name = os.environ.get("ANNOTATOR_USER")
    if name:
        return name
    try:
        return getpass.getuser() or "analyst"
    except (OSError, KeyError, ImportError):
        return "analyst"


class Project:
    """An open project: its storage and the annotator whose edits this session makes.

    `repo` (SQLAlchemy) serves everything; a project opened `lean` has a plain sqlite3
    `bulk` store for import, export and statistics and builds `repo` on first use only.
    """

    def __init__(
        self,
        location: str,
        repo: ProjectRepository | None,
        annotator: str,
        created: bool = False,
        lock: ProjectLock | None = None,
        backup_error: str | None = None,
        *,
        store: SqliteStore | None = None,
    ) -> None:
        if repo is None and store is None:
            raise ValueError("a project needs a repository or a store")
        self.location = location
        self._repo = repo
        self._store = store
        self.annotator = annotator
        self.created = created
        self.lock = lock
        self.backup_error = backup_error
        self._schema: LabelSchema | None = None
        self._schema_version = 0

    def __repr__(self) -> str:
        return f"Project({self.location!r}, annotator={self.annotator!r})"

    @property
    def repo(self) -> ProjectRepository:
        """The repository (on a lean project, made now: the schema is current)."""
        if self._repo is None:
            from annotator.storage.engine import make_engine
            from annotator.storage.repository import ProjectRepository

            self._repo = ProjectRepository(make_engine(self.location))
        return self._repo

    def as_annotator(self, annotator: str) -> Project:
        """The same storage under another annotator's name, without a lock of its own."""
        return Project(self.location, self.repo, annotator, self.created, None, self.backup_error)

    @property
    def bulk(self) -> BulkStore:
        """Where imports, exports and statistics read and write."""
        return self._store if self._store is not None else self.repo

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.location)

    @property
    def display_name(self) -> str:
        path = self.path
        if path is not None:
            return path.stem
        from annotator.storage.postgres import display_url

        return display_url(self.location).rsplit("/", 1)[-1]

    @property
    def schema(self) -> LabelSchema:
        if self._schema is None:
            self._schema, self._schema_version = self.bulk.load_schema_versioned()
        return self._schema

    def save_schema(
        self, schema: LabelSchema, renames: SchemaRenames | Mapping[str, str] | None = None
    ) -> None:
        """Store `schema`; `renames` also rewrites the stored annotations (see
        `ProjectRepository.save_schema`). Refused with ConflictError when someone else saved
        the schema since it was read, with SchemaInUse when it drops names still in use."""
        if self._schema is None:
            self._schema, self._schema_version = self.repo.load_schema_versioned()
        try:
            self._schema_version = self.repo.save_schema(schema, renames, self._schema_version)
        except ConflictError:
            self.reload_schema()
            raise
        self._schema = schema

    def schema_usage(self) -> SchemaUsage:
        """How many stored annotations use each name of the schema."""
        return self.repo.schema_usage()

    def reload_schema(self) -> LabelSchema:
        """Forget the cached schema (another analyst saved one) and read it again."""
        self._schema = None
        return self.schema

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()
        if self._repo is not None:
            self._repo.dispose()
        if self.lock is not None:
            self.lock.release()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_project(
    location: str | Path,
    annotator: str | None = None,
    *,
    create: bool = True,
    lock: bool = True,
    backup: bool = True,
    lean: bool = False,
) -> Project:
    """Open (and if allowed create) a project, migrating its schema to this version.

    SQLite projects are locked for this process (`lock=False` for read-only tools), checked
    for damage (ProjectCorrupt names the latest good backup), backed up before a schema
    upgrade, and backed up on open when a backup is due (`backup=False` skips that).
    `lean` (the command line's bulk commands): an existing SQLite project whose schema is
    current gets a plain sqlite3 store and no SQLAlchemy engine until one is needed.
    """
    text = str(location)
    if is_url(text):
        from annotator.services.credentials import absorb_password

        text = absorb_password(text)  # a password in the URL goes to memory only
    try:
        path = sqlite_path(text)
    except UnsupportedLocation as exc:
        raise ProjectError(str(exc)) from None
    held: ProjectLock | None = None
    existed = True
    if path is not None:
        if path.is_dir():
            raise ProjectError(f"{path} is a folder, not a project file")
        existed = path.exists()  # an empty file is checked (and refused), never replaced
        if not existed and not create:
            raise ProjectError(f"{path}: no such project")
        _refuse_read_only(path, existed)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(f"{path.parent}: cannot create folder ({exc.strerror})") from None
        if lock:
            _load("lock")
            held = ProjectLock(path, annotator or current_user()).acquire()
    try:
        if path is not None and existed:
            _check_project_file(path)
        project = None
        if lean and path is not None and existed:
            project = _open_lean(text, path, annotator)
        if project is None:
            project = _open_checked(text, path, annotator, existed, create)
        if held is not None:
            try:
                held.lock_inode()  # a new project's file exists only now
            except BaseException:
                project.close()
                raise
    except BaseException:
        if held is not None:
            held.release()
        raise
    project.lock = held
    if path is not None and existed and backup:
        _load("backups")
        try:
            backup_if_due(project)
        except BackupFailed as exc:  # never stop anyone working because a backup failed
            project.backup_error = str(exc)
    return project


def _open_lean(text: str, path: Path, annotator: str | None) -> Project | None:
    """A project on a plain sqlite3 store, or None when the schema is not current."""
    from annotator.storage.sqlite_store import SqliteStore

    try:
        store = SqliteStore.open(path)
    except (sqlite3.Error, OSError) as exc:  # the full path opens it and reports them
        log.info("lean open of %s failed, opening it fully", path, exc_info=exc)
        return None
    if store is None:
        return None
    return Project(text, None, annotator or current_user(), store=store)


def _open_checked(
    text: str, path: Path | None, annotator: str | None, existed: bool, create: bool
) -> Project:
    from annotator.services.credentials import with_password
    from annotator.storage.engine import make_engine
    from annotator.storage.migrate import (
        SchemaTooNew,
        current_revision,
        needs_upgrade,
        prepare_database,
    )
    from annotator.storage.postgres import DriverMissing, database_user, display_url
    from annotator.storage.repository import ProjectRepository

    _load("backups")
    shown = text if path is not None else display_url(text)
    try:
        engine = make_engine(with_password(text))
    except DriverMissing as exc:
        raise ProjectError(f"{shown}: {exc}") from None
    try:
        if path is None and not create and current_revision(engine) is None:
            raise ProjectError(f"{shown}: no Annotator project in this database")
        if path is not None and existed and needs_upgrade(engine):
            try:
                create_backup(path, reason="pre-upgrade")
            except BackupFailed as exc:
                raise ProjectError(f"{exc}; the project was not upgraded") from None
        action = prepare_database(engine)
        user = annotator or database_user(engine) or current_user()
    except ProjectError:
        engine.dispose()
        raise
    except SchemaTooNew as exc:
        engine.dispose()
        raise ProjectError(f"{shown}: {exc}") from None
    except Exception as exc:  # the database driver's own errors vary by back end
        engine.dispose()
        if path is not None and _looks_corrupt(exc):
            raise ProjectCorrupt(path, latest_good_backup(path), str(exc)) from None
        raise ProjectError(f"{shown}: cannot open project ({_first_line(exc)})") from None
    return Project(text, ProjectRepository(engine), user, created=action == "created")


def _first_line(exc: BaseException) -> str:
    """A driver error's first line (psycopg appends SQL and hints on further lines)."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return f"{type(orig).__name__}: {lines[0] if lines else ''}"


def _looks_corrupt(exc: Exception) -> bool:
    message = str(exc).lower()
    return "malformed" in message or "not a database" in message or "corrupt" in message


def latest_good_backup(path: Path) -> Path | None:
    """The newest backup of a project file that passes SQLite's quick check."""
    from annotator.services.backups import latest_good_backup as latest

    return latest(path)


def _refuse_read_only(path: Path, existed: bool) -> None:
    """Raise ProjectError when the project or its folder cannot be written: every edit is
    saved at once, and the lock and SQLite's journal live beside the project."""
    folder = path.parent
    what = None
    if existed and not os.access(path, os.R_OK):
        raise ProjectError(f"{path}: cannot read the project (permission denied)")
    if existed and not os.access(path, os.W_OK):
        what = f"{path} is read-only"
    elif folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        what = f"{path}: its folder {folder} is read-only"
    if what is not None:
        raise ProjectError(
            f"{what}; Annotator saves every edit at once and keeps its lock and journal "
            "beside the project. Make it writable, or copy the project to a folder you can "
            "write to"
        )


def _check_project_file(path: Path) -> None:
    """Raise ProjectCorrupt if the file is empty, not SQLite, fails SQLite's check, or
    belongs to another application: such a file is never replaced by a new project."""
    try:
        problem = file_problem(path)
        size = path.stat().st_size
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read ({exc.strerror})") from None
    if problem is not None:
        raise ProjectCorrupt(path, latest_good_backup(path), problem)
    if size <= QUICK_CHECK_MAX_BYTES:
        # integrity_check also cross-checks every index (quick_check does not): cheap enough
        # for small files; above FULL_CHECK_AT_OPEN_MAX_BYTES a quick check only.
        problems = integrity_problems(path, quick=size > FULL_CHECK_AT_OPEN_MAX_BYTES)
        if problems:
            detail = f"the file is damaged ({problems[0]})"
            raise ProjectCorrupt(path, latest_good_backup(path), detail)
    problem = foreign_problem(path)
    if problem is not None:
        raise ProjectCorrupt(path, latest_good_backup(path), problem)


def open_default_project(
    annotator: str | None = None, *, lock: bool = True, backup: bool = True, lean: bool = False
) -> Project:
    """The default project; on first run the seed articles are imported into it."""
    from annotator.services.importing import import_paths

    project = open_project(
        default_project_path(), annotator, lock=lock, backup=backup and lock, lean=lean
    )
    if project.created:
        folder = seeds_dir()
        if folder is not None:
            import_paths(project, [folder])
    return project
