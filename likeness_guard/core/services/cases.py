"""Cases of a helpline's workspace: listing, creating, opening, exporting and deleting one.

A workspace is a data folder, and its own first case: a person alone has a workspace with
one case and never sees the rest. Every further case is a data folder of its own under
`<workspace>/cases/` (its own database, kept files, protection and locks), so nothing of
one case can appear in another's report or notice. Collections (`<workspace>/collections/`)
belong to no case.
"""

import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import utc_now
from likeness_guard.core.platform import safe_folder_name, same_file_name
from likeness_guard.core.services.audit import AuditAction, record
from likeness_guard.core.storage.case_folders import (
    CaseFolder,
    case_folders,
    collection_count,
    find_case_folder,
    make_case_folder,
    set_aside_for_deleting,
)
from likeness_guard.core.storage.layout import workspace_of
from likeness_guard.core.storage.store import Store
from likeness_guard.locale import _

__all__ = ["workspace_of"]

ENV_CASE = "LIKENESS_GUARD_CASE"
_NAME_LIMIT = 120  # characters of a case's name as typed


class UnknownCase(UserFacingError):
    """No case of that name in the workspace."""


@dataclass(frozen=True)
class CaseCounts:
    """What a case holds, counted when listed."""

    profiles: int
    scans: int
    matches: int
    evidence_files: int


@dataclass(frozen=True)
class CaseSummary:
    """A case as listed. `name` is None for the workspace's own first case; `counts` is
    None when the case is protected and its passphrase was not given (or it cannot be
    opened now)."""

    name: str | None
    folder: Path
    created_at: str | None
    protected: bool
    counts: CaseCounts | None

    @property
    def first(self) -> bool:
        return self.name is None


@dataclass(frozen=True)
class CaseExport:
    """A case written to one archive."""

    path: Path
    evidence_files: int
    encrypted: bool
    database_sha256: str


def list_cases(workspace: Path, *, counted: bool = True) -> list[CaseSummary]:
    """The workspace's own case first, then the others by name. With `counted`, each
    (unlocked) case's store is opened to count what it holds."""
    first = CaseFolder(workspace, "", None)
    return [_summary(case, counted) for case in (first, *case_folders(workspace))]


def case_count(workspace: Path) -> int:
    """How many cases the workspace has (1: a person alone)."""
    return 1 + len(case_folders(workspace))


def case_folder(workspace: Path, name: str) -> Path:
    """The data folder of the case `name` (as typed, or its folder's name, in any case).
    Raises UnknownCase."""
    found = find_case_folder(workspace, name)
    if found is None:
        raise UnknownCase(
            _(
                "There is no case called “{name}” in this workspace. List them with: {command}"
            ).format(name=name, command="likeness-guard case list")
        )
    return found.folder


def case_name(folder: Path) -> str | None:
    """The name of the case whose data folder this is (None: a workspace's own case)."""
    from likeness_guard.core.storage.case_folders import read_case_folder

    return None if workspace_of(folder) == folder else read_case_folder(folder).name


def create_case(workspace: Path, name: str) -> CaseSummary:
    """Make a new case called `name`, with its own empty data folder, and record that in
    its audit log. Raises UserFacingError for a name that cannot be used or is taken."""
    cleaned = " ".join(name.split())
    folder_name = safe_folder_name(cleaned)
    if not folder_name or len(cleaned) > _NAME_LIMIT:
        raise UserFacingError(
            _(
                "“{name}” cannot be a case's name. Use up to {limit} letters, digits or "
                "spaces, for example a reference number."
            ).format(name=name, limit=_NAME_LIMIT)
        )
    for case in case_folders(workspace):
        if same_file_name(case.name, cleaned) or same_file_name(case.folder.name, folder_name):
            raise UserFacingError(
                _("A case called “{name}” exists already. Choose another name.").format(
                    name=case.name
                )
            )
    created = utc_now()
    try:
        folder = make_case_folder(workspace, folder_name, cleaned, created)
    except FileExistsError:
        raise UserFacingError(
            _("A case called “{name}” exists already. Choose another name.").format(name=cleaned)
        ) from None
    except OSError as exc:
        raise UserFacingError(
            _("The case's folder cannot be made ({error}).").format(error=exc.strerror or exc)
        ) from exc
    with Store(folder) as store:
        record(store, AuditAction.CASE_CREATED, "case")
    return _summary(CaseFolder(folder, cleaned, created), counted=True)


def export_case(store: Store, target: Path) -> CaseExport:
    """Write the case whose store this is to the zip file `target`: a consistent copy of
    its database (SQLite's backup API) and its kept files, encrypted when the case is,
    while no scan or deletion runs in it; then record it in its audit log.

    Raises UserFacingError while a scan or deletion keeps running, or when the archive
    cannot be written.
    """
    from likeness_guard.core.storage.case_export import export_case as write_archive

    name = case_name(store.folder)
    top = store.folder.name if name is not None else "first-case"
    try:
        archive = write_archive(store, target, top)
    except OSError as exc:
        raise UserFacingError(
            _("The case could not be written to {path} ({error}).").format(
                path=target, error=exc.strerror or exc
            )
        ) from exc
    details = f"evidence_files={archive.evidence_files} database_sha256={archive.database_sha256}"
    record(store, AuditAction.CASE_EXPORTED, "case", details)
    return CaseExport(
        archive.path, archive.evidence_files, archive.encrypted, archive.database_sha256
    )


def delete_case(folder: Path, wait: float = 10.0) -> None:
    """Delete a further case whole: everything in it as "Delete all my data" deletes it
    (kept files first, rows, compaction; a protected case's database and protection wiped),
    then its folder. Nothing of the other cases or of the collections is touched.

    The case's passphrase must have been given when it is protected. Raises UserFacingError
    for the workspace's own case, or while another window or command has the case open
    (waiting up to `wait` seconds for it to close).
    """
    from likeness_guard.core.services.forgetting import finish_forgetting, forget_everything
    from likeness_guard.core.storage.forgetting import wipe_folder_files
    from likeness_guard.core.storage.locks import FolderLocks

    if workspace_of(folder) == folder:
        raise UserFacingError(
            _(
                "The workspace's own case cannot be deleted as a case: use “Delete all my "
                "data” for its data."
            )
        )
    with FolderLocks(folder).alone(wait):
        pass  # open in another window or command: refused before anything is deleted
    with Store(folder) as store:
        forget_everything(store)
    finish_forgetting(folder, wait)
    with FolderLocks(folder).alone(wait):
        wipe_folder_files(folder)  # a plain case's database files too
        try:
            hidden: Path | None = set_aside_for_deleting(folder)
        except OSError:
            hidden = None  # Windows keeps our lock file open: emptied below, then removed
            for entry in folder.iterdir():
                if entry.name != "locks":
                    _remove(entry)
    _remove(hidden if hidden is not None else folder)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def other_data(folder: Path) -> tuple[int, int]:
    """For "Delete all my data" of a workspace's own case: how many further cases and
    collections the workspace holds (kept by that deletion). (0, 0) inside a case."""
    if workspace_of(folder) != folder:
        return 0, 0
    return len(case_folders(folder)), collection_count(folder)


def _summary(case: CaseFolder, counted: bool) -> CaseSummary:
    from likeness_guard.core.services.protection import is_protected

    protected = is_protected(case.folder)
    counts = _counts(case.folder) if counted else None
    name = case.name or None
    return CaseSummary(name, case.folder, case.created_at, protected, counts)


def _counts(folder: Path) -> CaseCounts | None:
    from likeness_guard.core.services.folder import stored_data

    try:
        with Store(folder) as store:
            data = stored_data(store)
    except UserFacingError:  # protected and locked, or busy: listed without counts
        return None
    return CaseCounts(len(data.profile_names), data.scans, data.matches, data.evidence_files)
