"""Storage errors meant for the user, and the translation of driver errors into them.

Callers catch `StorageError` (the message is complete and says what to do); everything
else from the driver stays a driver error.
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # SQLAlchemy is imported only by code that uses it: the bulk paths do not
    from sqlalchemy.exc import DBAPIError

T = TypeVar("T")

INSUFFICIENT_PRIVILEGE = "42501"  # also raised for row-level security violations
CHECK_VIOLATION = "23514"
UNDEFINED_FUNCTION = "42883"
LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout
QUERY_CANCELED = "57014"  # statement_timeout
# Messages of Annotator's own triggers start with this; the rest is meant for the user.
REFUSAL_PREFIX = "annotator: "
NOT_PERMITTED_PREFIX = REFUSAL_PREFIX + "not permitted: "  # refusals that are NotPermitted


class NotFound(KeyError):
    """No row with that id."""


class StorageError(RuntimeError):
    """A write or read the database refused or could not do; nothing was changed."""


class NotPermitted(StorageError):
    """The database role may not make this change (grants or row-level security)."""


class ConflictError(StorageError):
    """A shared row (document status, label schema) was changed by someone else meanwhile."""


class SchemaInUse(StorageError):
    """A label schema edit would remove names that stored annotations still use."""


class ServerUnavailable(StorageError):
    """The database server cannot be reached; the edit was not saved."""


class InvalidValue(StorageError):
    """The database refused a value that breaks its rules (offsets, status, attributes)."""


class Busy(StorageError):
    """A lock or a statement took longer than the connection's timeouts allow."""


def first_line(error: BaseException | None) -> str:
    """The first line of an error's text (its class name when it has none)."""
    message = str(error).strip()
    return message.splitlines()[0] if message else type(error).__name__


def translate(exc: DBAPIError) -> StorageError | None:
    """The user-facing error for a driver error, or None to let it through as it is."""
    return translate_driver_error(exc.orig, invalidated=exc.connection_invalidated)


def translate_driver_error(
    orig: BaseException | None, invalidated: bool = False
) -> StorageError | None:
    """`translate` for the driver's own exception (sqlite3's, from the bulk paths)."""
    sqlstate = getattr(orig, "sqlstate", None)
    detail = first_line(orig)
    if NOT_PERMITTED_PREFIX in detail:
        return NotPermitted(detail.split(NOT_PERMITTED_PREFIX, 1)[1])
    if REFUSAL_PREFIX in detail:
        return InvalidValue(detail.split(REFUSAL_PREFIX, 1)[1])
    if sqlstate == INSUFFICIENT_PRIVILEGE:
        return NotPermitted(f"the server refused this change: {detail}")
    if sqlstate == UNDEFINED_FUNCTION and "annotator_" in detail:  # no write functions
        return NotPermitted(
            "you may not change this project: the project's owner has not given you a role "
            "(annotator grant USER ROLE)"
        )
    if sqlstate == CHECK_VIOLATION or detail.startswith("CHECK constraint failed"):
        return InvalidValue(f"the database refused an invalid value: {detail}")
    if sqlstate in (LOCK_NOT_AVAILABLE, QUERY_CANCELED):
        return Busy(
            "the database is busy: another session holds a lock on the data this needs "
            f"({detail}); nothing was changed. Try again in a moment"
        )
    from_server = type(orig).__module__.startswith("psycopg")
    if (
        invalidated
        or (from_server and sqlstate is None)
        or (from_server and sqlstate is not None and sqlstate.startswith(("08", "57P")))
    ):
        return ServerUnavailable(
            f"the database server is not reachable ({detail}); the change was not saved. "
            "Annotator reconnects by itself when the server is back"
        )
    return None


def translating(cls: type[T]) -> type[T]:
    """Class decorator: public methods raise `StorageError`s instead of translatable driver errors.

    Generator methods are left alone (their errors surface while iterating).
    """
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or not inspect.isfunction(member):
            continue
        if inspect.isgeneratorfunction(member):
            continue
        setattr(cls, name, _wrap(member))
    return cls


def translated(function: Callable[..., T]) -> Callable[..., T]:
    """Function decorator: raise `StorageError`s instead of translatable driver errors."""
    return _wrap(function)


def _wrap(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except Exception as exc:
            if not is_sqlalchemy_error(exc):
                raise
            mapped = translate(exc)  # type: ignore[arg-type]
            if mapped is None:
                raise
            raise mapped from exc

    return wrapper


def _sqlalchemy_exc() -> Any:
    """`sqlalchemy.exc` if SQLAlchemy is loaded (an error can only come from it if it is)."""
    return sys.modules.get("sqlalchemy.exc")


def is_sqlalchemy_error(exc: BaseException) -> bool:
    """Whether `exc` is SQLAlchemy's wrapper of a driver error (a DBAPIError)."""
    sa = _sqlalchemy_exc()
    return sa is not None and isinstance(exc, sa.DBAPIError)


def driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception inside SQLAlchemy's wrapper (else `exc` itself)."""
    return exc.orig if is_sqlalchemy_error(exc) else exc  # type: ignore[attr-defined]


def is_record_refusal(exc: BaseException) -> bool:
    """A constraint or a value the database refused: about this record, not the store."""
    if isinstance(exc, StorageError | sqlite3.IntegrityError | sqlite3.DataError):
        return True
    sa = _sqlalchemy_exc()
    return sa is not None and isinstance(exc, sa.IntegrityError | sa.DataError)


def is_operational(exc: BaseException) -> bool:
    """The store itself failed (I/O, lock, lost connection), not one record."""
    if isinstance(exc, sqlite3.OperationalError | OSError):
        return True
    sa = _sqlalchemy_exc()
    return sa is not None and isinstance(exc, sa.OperationalError)
