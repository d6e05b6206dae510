"""The evidence package: everything a recipient needs to check a report on their own.

One folder (or a .zip of it) with the signed report and its manifest, the original files
byte for byte, the web captures as WARC files, PDQ hashes, checksum lists and a README. The
signed manifest lists every packaged file with its SHA-256, so the signature covers them all.
"""

import hashlib
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Unpack

from likeness_guard import APP_NAME
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.json_types import JsonDict
from likeness_guard.core.domain.words import moment
from likeness_guard.core.package.checksums import write_sums
from likeness_guard.core.package.readme import readme_text
from likeness_guard.core.package.warc import warc_bytes
from likeness_guard.core.report.facts import MatchEntry
from likeness_guard.core.report.manifest import manifest_path_for
from likeness_guard.core.report.prepare import PreparedReport, ReportOptions, prepare_report
from likeness_guard.core.report.signing import installation_identity, spaced
from likeness_guard.core.report.write import ReportResult, write_report
from likeness_guard.core.storage.fs import atomic_output
from likeness_guard.core.storage.spool import noted_export, staging_prefix
from likeness_guard.core.storage.store import Store
from likeness_guard.locale import _, in_language

REPORT_NAME = "evidence-report.pdf"
_SUFFIXES = {
    "jpeg": ".jpg",
    "png": ".png",
    "webp": ".webp",
    "gif": ".gif",
    "tiff": ".tif",
    "bmp": ".bmp",
    "heif": ".heic",
    "avif": ".avif",
    "jxl": ".jxl",
}


@dataclass(frozen=True)
class PackageResult:
    """What was written."""

    path: Path  # the folder, or the .zip
    report: ReportResult
    files: int
    total_bytes: int
    originals: int
    warc_files: int
    missing_originals: int  # matches whose bytes were not kept


def _suffix(entry: MatchEntry) -> str:
    fmt = (entry.item.format or "").lower()
    if fmt in _SUFFIXES:
        return _SUFFIXES[fmt]
    suffix = Path(entry.item.source.split("?")[0]).suffix.lower()
    return suffix if 1 < len(suffix) <= 6 and suffix[1:].isalnum() else ".bin"


def export_package(
    store: Store,
    scan_id: int,
    out: Path | str,
    *,
    timestamp_url: str | None = None,
    **options: Unpack[ReportOptions],
) -> PackageResult:
    """Write the evidence package of a scan's matches to the folder `out` (which must be
    new or empty), or to a .zip when `out` ends in .zip. `options` choose the matches and
    how they are shown, as for `build_report`; `timestamp_url` likewise.

    Raises UserFacingError for a missing scan, nothing to report, an `out` that is in
    use, or files that cannot be written; ReportCancelled when cancelled.
    """
    target = Path(out)
    as_zip = target.suffix.lower() == ".zip"
    _check_target(target, as_zip)
    prepared = prepare_report(store, scan_id, **options)
    fingerprint = installation_identity(store.folder).fingerprint
    contents = _gather(store, prepared)
    files = contents.files
    files["pdq.txt"] = _pdq_text(prepared.entries).encode()
    with in_language(prepared.language):  # for the recipient, as the report
        files["README.txt"] = readme_text(
            generated=prepared.now,
            name=prepared.presenter.name,
            pdf=REPORT_NAME,
            manifest=manifest_path_for(Path(REPORT_NAME)).name,
            fingerprint=spaced(fingerprint),
            timestamp_url=timestamp_url,
        ).encode()
    section = {
        "files": [
            {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(files.items())
        ],
        "warc": contents.warcs,
    }
    # Staged beside the target (to be renamed into place), with a note in the data folder
    # naming it: when this process is killed, the next start wipes the unblurred originals
    # left there (storage/spool.py).
    with noted_export(store.folder, target):
        return _write_package(
            store, prepared, target, files, section, contents, timestamp_url=timestamp_url
        )


def _write_package(
    store: Store,
    prepared: PreparedReport,
    target: Path,
    files: dict[str, bytes],
    section: JsonDict,
    contents: "_Contents",
    *,
    timestamp_url: str | None,
) -> PackageResult:
    """Stage the package beside `target`, then rename (folder) or zip it into place."""
    as_zip = target.suffix.lower() == ".zip"
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix(target), dir=target.parent))
    try:
        folder = staging / target.stem if as_zip else staging
        _write_files(folder, files)
        report = write_report(
            prepared,
            folder / REPORT_NAME,
            store.folder,
            timestamp_url=timestamp_url,
            package=section,
        )
        write_sums(folder)
        written = [p for p in folder.rglob("*") if p.is_file()]
        total = sum(p.stat().st_size for p in written)
        if as_zip:
            _zip(folder, target)
        else:
            os.replace(staging, target)  # an empty folder of that name is replaced too
            report = _moved(report, staging, target)
    except OSError as exc:
        raise UserFacingError(
            _("The evidence package could not be written to {path} ({reason}).").format(
                path=target, reason=exc.strerror or exc
            )
        ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return PackageResult(
        path=target,
        report=report,
        files=len(written),
        total_bytes=target.stat().st_size if as_zip else total,
        originals=contents.originals,
        warc_files=len(contents.warcs),
        missing_originals=contents.missing,
    )


@dataclass
class _Contents:
    """What goes in the package besides the report, by path inside it."""

    files: dict[str, bytes] = field(default_factory=dict)
    warcs: list[JsonDict] = field(default_factory=list)  # the manifest's `warc` list
    originals: int = 0
    missing: int = 0  # matches whose bytes were not kept


def _gather(store: Store, prepared: PreparedReport) -> _Contents:
    """Each match's original (once per SHA-256) and its web captures as a WARC file; sets
    each entry's `original_file`."""
    contents = _Contents()
    originals: dict[str, str] = {}
    for entry in prepared.entries:
        sha = entry.item.sha256 or ""
        if sha in originals:
            entry.original_file = originals[sha]
        else:
            data = store.evidence.get(sha) if sha else None
            if data is None or hashlib.sha256(data).hexdigest() != sha:
                contents.missing += 1
            else:
                name = f"originals/{entry.number:03d}-{sha[:12]}{_suffix(entry)}"
                contents.files[name] = data
                originals[sha] = name
                entry.original_file = name
        kept = store.captures.for_item(entry.item.id)
        if kept:
            path = f"web/{entry.number:03d}.warc.gz"
            data, records = warc_bytes(
                kept, description=f"{APP_NAME} evidence: match {entry.number}"
            )
            contents.files[path] = data
            contents.warcs.append(
                {
                    "path": path,
                    "item_number": entry.number,
                    "records": [record.facts() for record in records],
                }
            )
    contents.originals = len(originals)
    return contents


def _write_files(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        destination = folder / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)


def _check_target(target: Path, as_zip: bool) -> None:
    if as_zip:
        if target.exists():
            raise UserFacingError(
                _(
                    "{path} already exists. Give a new .zip file name, so that nothing is "
                    "overwritten."
                ).format(path=target)
            )
    elif target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserFacingError(
            _(
                "{path} already exists and is not empty. Give a new folder name, so that "
                "nothing else ends up in the package."
            ).format(path=target)
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserFacingError(
            _("The folder {path} cannot be made ({reason}).").format(
                path=target.parent, reason=exc.strerror or exc
            )
        ) from exc


def _moved(report: ReportResult, staging: Path, target: Path) -> ReportResult:
    return replace(
        report,
        pdf_path=target / report.pdf_path.relative_to(staging),
        manifest_path=target / report.manifest_path.relative_to(staging),
    )


def _pdq_text(entries: list[MatchEntry]) -> str:
    lines = [
        "# PDQ hashes (Meta's perceptual hash: 256 bits as 64 hex digits, and a quality of",
        "# 0-100; below 50 a hash is unreliable) of each packaged original, as hash-sharing",
        "# programmes compute them: on the pixels as stored, ignoring the EXIF orientation,",
        "# squeezed to 512 x 512 when larger. Where the EXIF orientation turns the picture, a",
        "# second line gives the hash of the picture as displayed.",
        "# For a video, the PDQ is of one frame, at the time given (hh:mm:ss.d): it is not",
        "# a hash of the video file. The file's own hashes are in SHA256SUMS and MD5SUMS.",
        "# hash,quality,file,pixels",
    ]
    seen: set[str] = set()
    for entry in entries:
        name = entry.original_file
        if name is None or name in seen or entry.pdq is None:
            continue
        seen.add(name)
        frame_s = entry.pdq_frame_s
        pixels = "stored" if frame_s is None else f"video frame at {moment(frame_s)}"
        lines.append(f"{entry.pdq.hex},{entry.pdq.quality},{name},{pixels}")
        if entry.pdq_displayed is not None:
            lines.append(
                f"{entry.pdq_displayed.hex},{entry.pdq_displayed.quality},{name},"
                f"displayed (EXIF orientation {entry.orientation})"
            )
    return "\n".join(lines) + "\n"


def _zip(folder: Path, target: Path) -> None:
    """Zip `folder` (as one folder inside) into `target`, atomically."""
    with (
        atomic_output(target) as tmp,
        zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                name = (Path(folder.name) / path.relative_to(folder)).as_posix()
                # Fixed times: zip times are local times, which would tell where it was made.
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                archive.writestr(info, path.read_bytes())
