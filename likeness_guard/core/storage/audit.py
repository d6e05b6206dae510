"""A case's audit log: one row per thing done, oldest first (the `audit_log` table)."""

import sqlite3

from likeness_guard.core.domain.audit import AuditEntry, audit_action
from likeness_guard.core.domain.text_safety import storable
from likeness_guard.core.storage.db import transaction


class AuditLog:
    """Entries are only ever added; they go with their profile (forgetting a person) or
    with everything ("Delete all my data", deleting the case)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def add(self, entry: AuditEntry, profile_id: int | None = None) -> None:
        with transaction(self._db) as db:
            db.execute(
                "INSERT INTO audit_log (at, caseworker, action, subject, details, profile_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    entry.at,
                    None if entry.caseworker is None else storable(entry.caseworker),
                    str(entry.action),
                    storable(entry.subject),
                    storable(entry.details),
                    profile_id,
                ),
            )

    def entries(self) -> list[AuditEntry]:
        """Every entry, in the order they were added."""
        rows = self._db.execute(
            "SELECT at, caseworker, action, subject, details FROM audit_log ORDER BY id"
        )
        return [
            AuditEntry(row[0], row[1], audit_action(row[2]), row[3], row[4] or "") for row in rows
        ]
