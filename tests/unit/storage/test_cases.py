"""Case folders: safe names on every system, clashes, an encrypted export that stays
encrypted, deleting a case whole, and the audit log's table."""

import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from likeness_guard.core.domain.audit import AuditAction
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.platform import safe_folder_name, same_file_name
from likeness_guard.core.services import cases
from likeness_guard.core.services.audit import record, set_caseworker
from likeness_guard.core.services.protection import protect_folder, unlock
from likeness_guard.core.storage import case_export
from likeness_guard.core.storage.layout import data_dir
from likeness_guard.core.storage.locks import FolderLocks
from likeness_guard.core.storage.store import Store


@pytest.fixture(autouse=True)
def nobody_named(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("LIKENESS_GUARD_CASEWORKER", raising=False)
    set_caseworker(None)
    yield
    set_caseworker(None)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "workspace"
    Store.open(folder).close()
    return folder


@pytest.mark.parametrize(
    ("typed", "folder"),
    [
        ("Client 12/A", "Client 12-A"),
        ('a<b>c:d"e\\f|g?h*i', "a-b-c-d-e-f-g-h-i"),
        ("CON", "CON_"),
        ("com1.txt", "com1.txt_"),
        ("Lpt9", "Lpt9_"),
        ("  .hidden case. ", "hidden case"),
        ("tab\there\nand there", "tab here and there"),
        ("Ünïcödé 사건", "Ünïcödé 사건"),
        ("...", ""),
        ("x" * 100, "x" * 64),
    ],
)
def test_folder_names_every_system_accepts(typed: str, folder: str) -> None:
    assert safe_folder_name(typed) == folder


def test_names_clash_as_windows_and_macos_would_see_them() -> None:
    assert same_file_name("Alpha", "ALPHA")
    assert same_file_name("Ärger", "A\u0308rger")  # composed and decomposed
    assert same_file_name("straße", "STRASSE")
    assert not same_file_name("Alpha", "Alpha 2")


def test_a_case_name_is_refused_when_taken_in_any_case(workspace: Path) -> None:
    made = cases.create_case(workspace, "Client 12/A")
    assert made.folder == workspace / "cases" / "Client 12-A"
    assert made.created_at is not None
    for clash in ("client 12/a", "CLIENT 12-A"):
        with pytest.raises(UserFacingError, match="exists already"):
            cases.create_case(workspace, clash)
    with pytest.raises(UserFacingError, match="cannot be a case's name"):
        cases.create_case(workspace, " ... ")
    assert cases.case_folder(workspace, "client 12-a") == made.folder
    with pytest.raises(cases.UnknownCase, match="case list"):
        cases.case_folder(workspace, "Client 13")
    assert cases.case_count(workspace) == 2


def test_a_workspace_with_cases_and_collections_stays_the_data_folder(workspace: Path) -> None:
    cases.create_case(workspace, "One")
    (workspace / "collections" / "crawl").mkdir(parents=True)
    # The folder holds only names of ours: it is chosen itself, never a subfolder of it.
    assert data_dir(workspace) == workspace


def test_an_encrypted_case_stays_encrypted_in_its_export(workspace: Path, tmp_path: Path) -> None:
    case = cases.create_case(workspace, "Sealed")
    protect_folder(case.folder, "correct horse battery staple")
    with Store(case.folder) as store:
        sha = store.evidence.put(b"a picture kept as evidence")
        record(store, AuditAction.SCAN_STARTED, "profile 1")
        exported = cases.export_case(store, tmp_path / "sealed.zip")
    assert exported.encrypted
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(exported.path) as archive:
        archive.extractall(unpacked)
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"a picture kept as evidence" not in everything
    assert b"scan-started" not in everything
    database = unpacked / "Sealed" / "likeness-guard.sqlite3"
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(database).execute("SELECT * FROM audit_log").fetchall()
    # Where it is unpacked, the case's passphrase opens it: rows and kept files.
    unlock(unpacked / "Sealed", "correct horse battery staple")
    with Store(unpacked / "Sealed") as store:
        assert [entry.action for entry in store.audit.entries()][-1] == "scan-started"
        assert store.evidence.get(sha) == b"a picture kept as evidence"


def test_deleting_a_case_removes_its_folder_and_nothing_else(workspace: Path) -> None:
    keep = cases.create_case(workspace, "Keep")
    gone = cases.create_case(workspace, "Gone")
    with Store(gone.folder) as store:
        store.evidence.put(b"kept picture")
    with pytest.raises(UserFacingError, match="own case"):
        cases.delete_case(workspace)
    cases.delete_case(gone.folder)
    assert not gone.folder.exists()
    assert [case.name for case in cases.list_cases(workspace)] == [None, "Keep"]
    assert (keep.folder / "likeness-guard.sqlite3").is_file()
    assert (workspace / "likeness-guard.sqlite3").is_file()


def test_a_case_open_elsewhere_is_not_deleted_from_under_it(workspace: Path) -> None:
    busy = cases.create_case(workspace, "Busy")
    with Store(busy.folder) as other_window:
        other_window.profile("someone", create=True)
        with pytest.raises(UserFacingError, match="open"):
            cases.delete_case(busy.folder, wait=0.0)
        assert [profile.name for profile in other_window.profiles()] == ["someone"]


def test_the_audit_log_names_the_caseworker_and_goes_with_its_profile(store: Store) -> None:
    profile = store.profile("someone", create=True)
    assert profile is not None
    set_caseworker("  R.   Kim ")
    record(
        store, AuditAction.ENROLLED, f"profile {profile.id}", "accepted=1", profile_id=profile.id
    )
    set_caseworker(None)
    record(store, AuditAction.CASE_EXPORTED, "case")
    entries = store.audit.entries()
    assert [(e.caseworker, e.action) for e in entries] == [
        ("R. Kim", AuditAction.ENROLLED),
        (None, AuditAction.CASE_EXPORTED),
    ]
    assert entries[1].caseworker_words() == "nobody named"
    store.forget_profile("someone")
    assert [e.action for e in store.audit.entries()] == [AuditAction.CASE_EXPORTED]
    store.forget_all()
    assert store.audit.entries() == []


def test_no_export_is_taken_while_a_scan_writes_to_the_case(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(case_export, "EXPORT_WAIT_SECONDS", 0.0)
    case = cases.create_case(workspace, "Busy")
    target = tmp_path / "busy.zip"
    with Store(case.folder) as store:
        with FolderLocks(case.folder).scanning(1), pytest.raises(UserFacingError, match="scan"):
            cases.export_case(store, target)
        assert not target.exists()
        assert not list((case.folder / "spool").iterdir())  # its database copy wiped
        cases.export_case(store, target)  # once the scan has ended
    assert target.is_file()
