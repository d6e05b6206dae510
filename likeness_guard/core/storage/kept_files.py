"""Which kept files the rows still refer to: the one answer for deleting and sweeping."""

import contextlib
import json
import sqlite3


def referenced_evidence(
    db: sqlite3.Connection, profile_id: int | None = None, *, others: bool = False
) -> set[str]:
    """SHA-256s of kept files that items refer to: the images, their pages and their HTTP
    captures, and what re-checks fetched. Of every scan (None), of `profile_id`'s scans,
    or with `others` of every other profile's scans."""
    where = ""
    params: tuple[int, ...] = ()
    if profile_id is not None:
        operator = "IS NOT" if others else "IS"
        where = f" AND scan_id IN (SELECT id FROM scans WHERE profile_id {operator} ?)"
        params = (profile_id,)
    found: set[str] = {
        row[0]
        for row in db.execute(
            f"SELECT sha256 FROM items WHERE evidence_kept AND sha256 IS NOT NULL{where}", params
        )
    }
    for row in db.execute(f"SELECT web_json FROM items WHERE web_json IS NOT NULL{where}", params):
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            page = json.loads(row[0]).get("page") or {}
            if page.get("sha256"):
                found.add(str(page["sha256"]))
    for row in db.execute(
        "SELECT request_sha256, response_sha256 FROM http_captures WHERE item_id IN "
        f"(SELECT id FROM items WHERE 1{where})",
        params,
    ):
        found.update(value for value in row if value)
    for row in db.execute(  # what re-checks of those scans fetched
        "SELECT request_sha256, response_sha256 FROM recheck_captures WHERE recheck_id IN "
        f"(SELECT id FROM rechecks WHERE 1{where})",
        params,
    ):
        found.update(value for value in row if value)
    return found
