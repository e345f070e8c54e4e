"""Opening projects: locations, the default project, seed articles, the current annotator."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

from annotator import APP_NAME
from annotator.core.schema import LabelSchema
from annotator.services.credentials import with_password
from annotator.storage import ProjectRepository, make_engine, prepare_database, sqlite_path
from annotator.storage.errors import ConflictError
from annotator.storage.migrate import SchemaTooNew, current_revision
from annotator.storage.postgres import DriverMissing, database_user, display_url

PROJECT_SUFFIX = ".annotator"


class ProjectError(RuntimeError):
    """A project that cannot be opened; the message is meant for the user."""


def data_dir() -> Path:
    """Where the default project lives (ANNOTATOR_HOME overrides the platform's data dir)."""
    override = os.environ.get("ANNOTATOR_HOME")
    return Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))


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


@dataclass
class Project:
    """An open project: its repository and the annotator whose edits this session makes."""

    location: str
    repo: ProjectRepository
    annotator: str
    created: bool = False
    _schema: LabelSchema | None = field(default=None, repr=False)
    _schema_version: int = field(default=0, repr=False)

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.location)

    @property
    def display_name(self) -> str:
        path = self.path
        return path.stem if path is not None else display_url(self.location).rsplit("/", 1)[-1]

    @property
    def schema(self) -> LabelSchema:
        if self._schema is None:
            self._schema, self._schema_version = self.repo.load_schema_versioned()
        return self._schema

    def save_schema(self, schema: LabelSchema, renames: dict[str, str] | None = None) -> None:
        """Refused with ConflictError when someone else saved the schema since it was read."""
        if self._schema is None:
            self._schema, self._schema_version = self.repo.load_schema_versioned()
        try:
            self._schema_version = self.repo.save_schema(schema, renames, self._schema_version)
        except ConflictError:
            self.reload_schema()
            raise
        self._schema = schema

    def reload_schema(self) -> LabelSchema:
        """Forget the cached schema (another analyst saved one) and read it again."""
        self._schema = None
        return self.schema

    def close(self) -> None:
        self.repo.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_project(
    location: str | Path, annotator: str | None = None, *, create: bool = True
) -> Project:
    """Open (and if allowed create) a project, migrating its schema to this version."""
    text = str(location)
    path = sqlite_path(text)
    existed = True
    if path is not None:
        if path.is_dir():
            raise ProjectError(f"{path} is a folder, not a project file")
        existed = path.exists() and path.stat().st_size > 0
        if not existed and not create:
            raise ProjectError(f"{path}: no such project")
        if existed:
            _check_sqlite_header(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(f"{path.parent}: cannot create folder ({exc.strerror})") from None
    shown = text if path is not None else display_url(text)
    try:
        engine = make_engine(with_password(text))
    except DriverMissing as exc:
        raise ProjectError(f"{shown}: {exc}") from None
    try:
        if path is None and not create and current_revision(engine) is None:
            raise ProjectError(f"{shown}: no Annotator project in this database")
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
        raise ProjectError(f"{shown}: cannot open project ({_first_line(exc)})") from None
    return Project(text, ProjectRepository(engine), user, created=action == "created")


def _first_line(exc: BaseException) -> str:
    """A driver error's first line (psycopg appends SQL and hints on further lines)."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return f"{type(orig).__name__}: {lines[0] if lines else ''}"


def _check_sqlite_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read ({exc.strerror})") from None
    if header != b"SQLite format 3\x00":
        raise ProjectError(f"{path} is not an Annotator project (not a SQLite database)")


def open_default_project(annotator: str | None = None) -> Project:
    """The default project; on first run the seed articles are imported into it."""
    from annotator.services.importing import import_paths

    project = open_project(default_project_path(), annotator)
    if project.created:
        folder = seeds_dir()
        if folder is not None:
            import_paths(project, [folder])
    return project
