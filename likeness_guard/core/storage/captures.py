"""The HTTP exchanges kept for matched web images: rows here, bytes in the evidence folder."""

import logging
import sqlite3
from collections.abc import Iterable

from likeness_guard.core.domain.records import KeptExchange
from likeness_guard.core.storage.db import transaction
from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.core.storage.rows import EXCHANGE_COLUMNS, exchange_row, kept_exchange

log = logging.getLogger(__name__)


class CaptureLog:
    """Reads and writes `http_captures` through the store's connection."""

    def __init__(self, db: sqlite3.Connection, evidence: EvidenceFolder) -> None:
        self._db = db
        self._evidence = evidence

    def add(self, item_id: int, kept: Iterable[KeptExchange]) -> None:
        """Keep these exchanges (bytes once, by SHA-256) for the item."""
        rows = [(item_id, *exchange_row(entry, self._evidence.put)) for entry in kept]
        if not rows:
            return
        with transaction(self._db) as db:
            db.executemany(
                f"INSERT INTO http_captures (item_id, {EXCHANGE_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def for_item(self, item_id: int) -> list[KeptExchange]:
        """The item's exchanges in the order fetched; those whose bytes are gone are skipped."""
        kept = []
        for row in self._db.execute(
            "SELECT * FROM http_captures WHERE item_id = ? ORDER BY id", (item_id,)
        ):
            entry = kept_exchange(row, self._evidence.get)
            if entry is None:
                log.warning("the kept HTTP exchange %s of item %s is missing", row["id"], item_id)
                continue
            kept.append(entry)
        return kept
