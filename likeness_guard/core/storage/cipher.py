"""An encrypted SQLite connection (SQLCipher) that behaves like the standard library's.

The store, its migrations and every repository catch `sqlite3.Error` and read
`sqlite_errorname`; SQLCipher's Python module raises its own exception classes. This
wrapper forwards every call and turns each SQLCipher exception into the standard library's
class of the same name, with the same result code, so that nothing above it needs to know
whether the database is encrypted.
"""

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar, cast

T = TypeVar("T")


def connect_encrypted(path: Path, key: bytes, timeout: float) -> sqlite3.Connection:
    """Open `path` with SQLCipher and a raw 256-bit key (no second key derivation).

    Raises sqlite3.Error classes; SQLITE_NOTADB when the key does not open the file.
    """
    import sqlcipher3.dbapi2 as sqlcipher

    raw = _call(lambda: sqlcipher.connect(str(path), timeout=timeout, isolation_level=None))
    connection = _Connection(raw)
    # SQLCipher logs failed page checks to stderr unless told otherwise; a wrong
    # passphrase is reported to the user in plain words instead.
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    # Reading the schema is the first real use of the key: a wrong one fails here.
    connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return cast(sqlite3.Connection, connection)


def _translate(exc: Exception) -> sqlite3.Error:
    kind = getattr(sqlite3, type(exc).__name__, sqlite3.DatabaseError)
    if not (isinstance(kind, type) and issubclass(kind, sqlite3.Error)):
        kind = sqlite3.DatabaseError
    error = kind(*exc.args)
    for attribute in ("sqlite_errorcode", "sqlite_errorname"):
        if hasattr(exc, attribute):
            setattr(error, attribute, getattr(exc, attribute))
    return error


def _call(function: Callable[[], T]) -> T:
    import sqlcipher3.dbapi2 as sqlcipher

    try:
        return function()
    except sqlcipher.Error as exc:
        raise _translate(exc) from exc


class _Cursor:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def fetchone(self) -> Any:
        return _call(self._cursor.fetchone)

    def fetchmany(self, size: int = 1) -> list[Any]:
        return cast(list[Any], _call(lambda: self._cursor.fetchmany(size)))

    def fetchall(self) -> list[Any]:
        return cast(list[Any], _call(self._cursor.fetchall))

    def __iter__(self) -> Iterator[Any]:
        iterator = iter(self._cursor)
        while True:
            try:
                row = _call(lambda: next(iterator))
            except StopIteration:
                return
            yield row

    def close(self) -> None:
        _call(self._cursor.close)

    def __getattr__(self, name: str) -> Any:  # rowcount, lastrowid, description
        return getattr(self._cursor, name)


class _Connection:
    def __init__(self, connection: Any) -> None:
        self._connection = connection

    @property
    def row_factory(self) -> Any:
        return self._connection.row_factory

    @row_factory.setter
    def row_factory(self, factory: Any) -> None:
        import sqlcipher3.dbapi2 as sqlcipher

        # The standard library's Row only accepts its own cursors: use SQLCipher's twin.
        self._connection.row_factory = sqlcipher.Row if factory is sqlite3.Row else factory

    def execute(self, sql: str, parameters: Any = ()) -> _Cursor:
        return _Cursor(_call(lambda: self._connection.execute(sql, parameters)))

    def executemany(self, sql: str, parameters: Any) -> _Cursor:
        return _Cursor(_call(lambda: self._connection.executemany(sql, parameters)))

    def executescript(self, script: str) -> _Cursor:
        return _Cursor(_call(lambda: self._connection.executescript(script)))

    def close(self) -> None:
        _call(self._connection.close)

    def __enter__(self) -> "_Connection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)
