"""Rows and records, both ways, where several tables do the same: columns copied by name, JSON
columns, and the rows of an item's faces."""

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from likeness_guard.core.domain.records import ExchangeRole, FaceHit, KeptExchange, RawHttpExchange

_Record = TypeVar("_Record")


def same_named(row: sqlite3.Row, names: str) -> dict[str, Any]:
    """The columns `names` (separated by spaces) of `row` as they are, keyed by name: for
    the fields of a record that are named and stored exactly like their columns."""
    return {name: row[name] for name in names.split()}


def json_text(value: _Record | None, to_json: Callable[[_Record], Any]) -> str | None:
    """A JSON column's text for `value` (None stays NULL)."""
    return None if value is None else json.dumps(to_json(value), ensure_ascii=False)


def from_json_text(
    text: str | None, from_json: Callable[[Mapping[str, Any]], _Record]
) -> _Record | None:
    """The record a JSON column holds (NULL gives None)."""
    return None if text is None else from_json(json.loads(text))


def insert_faces(db: sqlite3.Connection, item_id: int, faces: Iterable[FaceHit]) -> None:
    """Add the rows of an item's faces (inside the caller's transaction)."""
    rows = [
        (
            item_id,
            f.frame,
            *f.bbox,
            f.det_score,
            f.similarity,
            f.reference_id,
            f.match,
            f.frame_s,
            f.drawn,
            f.turned,
        )
        for f in faces
    ]
    if rows:  # most items of a rescan have none, and the call costs even then
        db.executemany(
            "INSERT INTO faces (item_id, frame, x1, y1, x2, y2, det_score, similarity, "
            "reference_id, match, frame_s, drawn, turned) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


# The columns a kept HTTP exchange fills, in `exchange_row`'s order (http_captures and
# recheck_captures alike, after their own key).
EXCHANGE_COLUMNS = "role, url, retrieved_at, request_sha256, response_sha256, complete, ip_address"


def exchange_row(entry: KeptExchange, put: Callable[[bytes], str]) -> tuple[Any, ...]:
    """The values of EXCHANGE_COLUMNS for a kept exchange, its bytes kept with `put`."""
    exchange = entry.exchange
    return (
        str(entry.role),
        exchange.url,
        exchange.retrieved_at,
        put(exchange.request),
        put(exchange.response),
        int(exchange.complete),
        exchange.ip_address,
    )


def kept_exchange(row: sqlite3.Row, read: Callable[[str], bytes | None]) -> KeptExchange | None:
    """A kept HTTP exchange from its row (http_captures, recheck_captures), its bytes read
    by SHA-256 with `read`; None when they are gone."""
    request = read(row["request_sha256"])
    response = read(row["response_sha256"])
    if request is None or response is None:
        return None
    exchange = RawHttpExchange(
        url=row["url"],
        retrieved_at=row["retrieved_at"],
        request=request,
        response=response,
        complete=bool(row["complete"]),
        ip_address=row["ip_address"],
    )
    return KeptExchange(ExchangeRole(row["role"]), exchange)
