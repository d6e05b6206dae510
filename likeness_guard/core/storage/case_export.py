"""A case on its own in one archive: a consistent copy of its database, its kept files,
and what opens them again (its protection settings, its name).

The database is copied through SQLite's backup API from the open store (never the live
file), and everything is taken while no scan or deletion runs in the case (its folder's
lock), so the kept files cover every row of the copy. An encrypted case stays encrypted:
the copy has the same key, the kept files stay sealed, and the protection settings go with
them, so the passphrase opens the export where it is unpacked. The installation's
report-signing key, the spool, locks and model packs stay behind.
"""

import hashlib
import os
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from likeness_guard.core.storage.db import copy_database
from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.core.storage.fs import atomic_output, wipe_file
from likeness_guard.core.storage.layout import CASE_INFO_NAME, DB_NAME, EVIDENCE_FOLDER
from likeness_guard.core.storage.locks import FolderLocks
from likeness_guard.core.storage.protection import held_key
from likeness_guard.core.storage.protection_file import SETTINGS_FILES
from likeness_guard.core.storage.spool import new_spool_file, noted_export

# How long an export waits for a scan or deletion of the case to end before it gives up.
EXPORT_WAIT_SECONDS = 10.0
CHECKSUMS_NAME = "SHA256SUMS"


class OpenCase(Protocol):
    """What an export needs of the case's open store."""

    folder: Path
    evidence: EvidenceFolder

    @property
    def db(self) -> sqlite3.Connection: ...


@dataclass(frozen=True)
class CaseArchive:
    """What was written: the archive, how many kept files it holds, whether it is
    encrypted, and the SHA-256 of the database copy inside."""

    path: Path
    evidence_files: int
    encrypted: bool
    database_sha256: str


def export_case(store: OpenCase, target: Path, top: str) -> CaseArchive:
    """Write the case of `store` to the zip file `target` (atomically), its files under the
    folder `top` inside. Raises StoreError while a scan or deletion keeps running, OSError
    when the archive cannot be written."""
    folder = store.folder
    key = held_key(folder)
    copy = new_spool_file(folder, "case-export", ".sqlite3")
    try:
        with FolderLocks(folder).holding_still(EXPORT_WAIT_SECONDS), noted_export(folder, target):
            copy_database(store.db, copy, None if key is None else key.database)
            with atomic_output(target) as staging:
                count, digest = _write_zip(staging, folder, copy, top)
    finally:
        wipe_file(copy)
    return CaseArchive(target, count, key is not None, digest)


def _write_zip(staging: Path, folder: Path, copy: Path, top: str) -> tuple[int, str]:
    """The archive's members: database copy, kept files, settings, case name, and a list
    of every member's SHA-256. Returns the number of kept files and the copy's SHA-256."""
    sums: list[str] = []
    count = 0
    with zipfile.ZipFile(staging, "w", allowZip64=True) as archive:
        sums.append(_add(archive, copy, f"{top}/{DB_NAME}", zipfile.ZIP_DEFLATED))
        evidence = folder / EVIDENCE_FOLDER
        for path in sorted(evidence.glob("*/*")) if evidence.is_dir() else []:
            if path.is_file() and not path.name.startswith("."):
                # Pictures are compressed already (and sealed ones look random).
                member = f"{top}/{EVIDENCE_FOLDER}/{path.parent.name}/{path.name}"
                sums.append(_add(archive, path, member, zipfile.ZIP_STORED))
                count += 1
        for name in (*SETTINGS_FILES, CASE_INFO_NAME):
            if (folder / name).is_file():
                sums.append(_add(archive, folder / name, f"{top}/{name}", zipfile.ZIP_DEFLATED))
        archive.writestr(f"{top}/{CHECKSUMS_NAME}", "".join(sums))
    return count, sums[0].split(" ", 1)[0]


def _add(archive: zipfile.ZipFile, path: Path, member: str, compression: int) -> str:
    """Add one file; returns its `sha256sum` line."""
    digest = hashlib.sha256()
    large = path.stat().st_size > 1 << 30
    with (
        path.open("rb") as source,
        archive.open(_info(member, compression), "w", force_zip64=large) as out,
    ):
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
            out.write(block)
    return f"{digest.hexdigest()}  {member.split('/', 1)[1]}\n"


def _info(member: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(member)
    info.compress_type = compression
    info.external_attr = 0o600 << 16  # unpacked private, as in the data folder
    if os.name == "nt":  # pragma: no cover - the attribute means nothing there
        info.external_attr = 0
    return info
