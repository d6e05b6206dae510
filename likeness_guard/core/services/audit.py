"""The audit log of a case: the caseworker chosen at start, and recording what was done.

One caseworker per process: the command line takes `--caseworker` (or
$LIKENESS_GUARD_CASEWORKER), the window asks once when the workspace has several cases.
A person alone names nobody; what they do is still recorded, as done by nobody named.
"""

import logging
import os
import threading

from likeness_guard.core.domain.audit import AuditAction, AuditEntry
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import utc_now
from likeness_guard.core.storage.store import Store

__all__ = ["AuditAction", "AuditEntry", "audit_entries", "caseworker", "record", "set_caseworker"]

ENV_CASEWORKER = "LIKENESS_GUARD_CASEWORKER"
_CASEWORKER_LIMIT = 200  # characters: a name, not a document

log = logging.getLogger(__name__)
_lock = threading.Lock()
_caseworker: str | None = None


def set_caseworker(name: str | None) -> None:
    """Who does the work in this process from now on (None or blank: nobody named)."""
    global _caseworker
    cleaned = " ".join((name or "").split())[:_CASEWORKER_LIMIT] or None
    with _lock:
        _caseworker = cleaned


def caseworker() -> str | None:
    """The caseworker named for this process, else $LIKENESS_GUARD_CASEWORKER, else None."""
    with _lock:
        chosen = _caseworker
    if chosen is not None:
        return chosen
    from_environment = " ".join(os.environ.get(ENV_CASEWORKER, "").split())
    return from_environment[:_CASEWORKER_LIMIT] or None


def record(
    store: Store,
    action: AuditAction,
    subject: str,
    details: str = "",
    *,
    profile_id: int | None = None,
) -> None:
    """Add an entry to the audit log of the case whose store this is, now, by the
    caseworker of this process. `subject` and `details` are data, never a person's name or
    a file path (the report shows them as they are). `profile_id`: the entry goes when that
    profile is deleted.

    Recording never stops the work it records: a failure to write it is logged.
    """
    entry = AuditEntry(utc_now(), caseworker(), action, subject, details)
    try:
        store.audit.add(entry, profile_id)
    except UserFacingError:
        log.warning("could not record %s %s in the audit log", action, subject, exc_info=True)


def audit_entries(store: Store) -> list[AuditEntry]:
    """The case's audit log, oldest first."""
    return store.audit.entries()
