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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from likeness_guard import APP_NAME, __version__
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.report import texts
from likeness_guard.core.report.facts import MatchEntry
from likeness_guard.core.report.manifest import manifest_path_for
from likeness_guard.core.report.pdf import (
    ReportResult,
    prepare_report,
    write_report,
)
from likeness_guard.core.report.privacy import ReportPrivacy
from likeness_guard.core.report.signing import installation_identity, spaced
from likeness_guard.core.report.warc import warc_bytes
from likeness_guard.core.storage.fs import atomic_output
from likeness_guard.core.storage.store import Store

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
    only_confirmed: bool = False,
    item_ids: list[int] | None = None,
    unblurred: bool = False,
    privacy: ReportPrivacy | None = None,
    page_size: str | None = None,
    timestamp_url: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PackageResult:
    """Write the evidence package of a scan's matches to the folder `out` (which must be
    new or empty), or to a .zip when `out` ends in .zip.

    Raises UserFacingError for a missing scan, nothing to report, an `out` that is in
    use, or files that cannot be written; ReportCancelled when cancelled.
    """
    target = Path(out)
    as_zip = target.suffix.lower() == ".zip"
    _check_target(target, as_zip)
    prepared = prepare_report(
        store,
        scan_id,
        only_confirmed=only_confirmed,
        item_ids=item_ids,
        unblurred=unblurred,
        privacy=privacy,
        page_size=page_size,
        progress=progress,
        cancelled=cancelled,
    )
    fingerprint = installation_identity(store.folder).fingerprint
    files: dict[str, bytes] = {}
    warcs: list[dict[str, Any]] = []
    originals: dict[str, str] = {}
    missing = 0
    for entry in prepared.entries:
        sha = entry.item.sha256 or ""
        if sha in originals:
            entry.original_file = originals[sha]
        else:
            data = store.evidence.get(sha) if sha else None
            if data is None or hashlib.sha256(data).hexdigest() != sha:
                missing += 1
            else:
                name = f"originals/{entry.number:03d}-{sha[:12]}{_suffix(entry)}"
                files[name] = data
                originals[sha] = name
                entry.original_file = name
        kept = store.captures.for_item(entry.item.id)
        if kept:
            path = f"web/{entry.number:03d}.warc.gz"
            data, records = warc_bytes(
                kept, description=f"{APP_NAME} evidence: match {entry.number}"
            )
            files[path] = data
            warcs.append(
                {
                    "path": path,
                    "item_number": entry.number,
                    "records": [
                        {
                            "type": record.record_type,
                            "uri": record.uri,
                            "role": record.role,
                            "date": record.date,
                            "block_sha256": record.block_sha256,
                            "content_sha256": record.content_sha256,
                        }
                        for record in records
                    ],
                }
            )
    files["pdq.txt"] = _pdq_text(prepared.entries).encode()
    stamp = ""
    if timestamp_url:
        stamp = texts.PACKAGE_README_TIMESTAMP.format(authority=timestamp_url)
    files["README.txt"] = texts.PACKAGE_README.format(
        app=APP_NAME,
        version=__version__,
        generated=prepared.now.strftime("%Y-%m-%d %H:%M:%S"),
        name=prepared.presenter.name,
        pdf=REPORT_NAME,
        manifest=manifest_path_for(Path(REPORT_NAME)).name,
        fingerprint=spaced(fingerprint),
        timestamp=stamp,
    ).encode()
    section = {
        "files": [
            {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(files.items())
        ],
        "warc": warcs,
    }
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        folder = staging / target.stem if as_zip else staging
        folder.mkdir(exist_ok=True)
        for name, data in files.items():
            destination = folder / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(data)
        report = write_report(
            prepared,
            folder / REPORT_NAME,
            store.folder,
            timestamp_url=timestamp_url,
            package=section,
        )
        _write_sums(folder)
        total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        count = sum(1 for p in folder.rglob("*") if p.is_file())
        if as_zip:
            _zip(folder, target)
        else:
            os.replace(staging, target)  # an empty folder of that name is replaced too
            report = _moved(report, staging, target)
    except OSError as exc:
        raise UserFacingError(
            f"The evidence package could not be written to {target} ({exc.strerror or exc})."
        ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return PackageResult(
        path=target,
        report=report,
        files=count,
        total_bytes=target.stat().st_size if as_zip else total,
        originals=len(originals),
        warc_files=len(warcs),
        missing_originals=missing,
    )


def _check_target(target: Path, as_zip: bool) -> None:
    if as_zip:
        if target.exists():
            raise UserFacingError(
                f"{target} already exists. Give a new .zip file name, so that nothing is "
                "overwritten."
            )
    elif target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserFacingError(
            f"{target} already exists and is not empty. Give a new folder name, so that "
            "nothing else ends up in the package."
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserFacingError(
            f"The folder {target.parent} cannot be made ({exc.strerror or exc})."
        ) from exc


def _moved(report: ReportResult, staging: Path, target: Path) -> ReportResult:
    from dataclasses import replace

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
        "# hash,quality,file,pixels",
    ]
    seen: set[str] = set()
    for entry in entries:
        name = entry.original_file
        if name is None or name in seen or entry.pdq is None:
            continue
        seen.add(name)
        lines.append(f"{entry.pdq.hex},{entry.pdq.quality},{name},stored")
        if entry.pdq_displayed is not None:
            lines.append(
                f"{entry.pdq_displayed.hex},{entry.pdq_displayed.quality},{name},"
                f"displayed (EXIF orientation {entry.orientation})"
            )
    return "\n".join(lines) + "\n"


def _write_sums(folder: Path) -> None:
    """SHA256SUMS and MD5SUMS in `sha256sum -c` format, of every file but themselves."""
    names = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name not in ("SHA256SUMS", "MD5SUMS")
    )
    for sums, algorithm in (("SHA256SUMS", "sha256"), ("MD5SUMS", "md5")):
        text = "".join(
            f"{hashlib.new(algorithm, (folder / name).read_bytes()).hexdigest()}  {name}\n"
            for name in names
        )
        (folder / sums).write_text(text, encoding="utf-8")


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
