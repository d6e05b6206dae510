"""Writing the evidence report: lay out the pages, state the manifest, sign both, and write
the PDF with its manifest beside it, atomically."""

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Unpack

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.json_types import JsonDict
from likeness_guard.core.report.manifest import (
    ATTACHMENT_NAME,
    canonical,
    manifest_document,
    manifest_path_for,
    with_pdf_hash,
)
from likeness_guard.core.report.pages import lay_out_report
from likeness_guard.core.report.prepare import PreparedReport, ReportOptions, prepare_report
from likeness_guard.core.report.privacy import ReportPrivacy
from likeness_guard.core.report.signing import installation_identity, sign_pdf
from likeness_guard.core.storage.fs import atomic_output, write_atomic
from likeness_guard.core.storage.store import Store
from likeness_guard.locale import ENGLISH, _, in_language


@dataclass(frozen=True)
class ReportResult:
    """What was written."""

    pdf_path: Path
    manifest_path: Path
    pdf_sha256: str
    item_count: int
    page_count: int
    page_size: str  # "A4" or "Letter"
    unblurred: bool
    fingerprint: str = ""  # SHA-256 of the signing certificate
    timestamped: bool = False
    own_photos_left_out: int = 0


def write_report(
    prepared: PreparedReport,
    out: Path,
    data_folder: Path,
    *,
    timestamp_url: str | None = None,
    package: JsonDict | None = None,
) -> ReportResult:
    """Lay out the PDF, attach its manifest, sign it with this installation's key (kept in
    `data_folder`) and write it with the manifest beside it, atomically.

    `package` is the evidence package's section of the manifest, when there is one.
    Raises UserFacingError when the files cannot be written or no time-stamp can be had.
    """
    identity = installation_identity(data_folder)
    with in_language(prepared.language):
        laid_out = lay_out_report(prepared, identity.fingerprint)
    with in_language(ENGLISH):  # the manifest's words are data, the same in every report
        document = manifest_document(
            prepared, identity, pdf_name=out.name, timestamp_url=timestamp_url, package=package
        )
    signed = sign_pdf(
        laid_out.pdf,
        identity,
        attachment=canonical(document),
        attachment_name=ATTACHMENT_NAME,
        signed_at=prepared.now,
        timestamp_url=timestamp_url,
        language=prepared.language,
    )
    digest = hashlib.sha256(signed).hexdigest()
    manifest_path = manifest_path_for(out)
    try:
        with atomic_output(out) as tmp:
            tmp.write_bytes(signed)
            write_atomic(manifest_path, canonical(with_pdf_hash(document, digest)))
    except OSError as exc:
        raise UserFacingError(
            _("The report could not be written to {path} ({reason}).").format(
                path=out, reason=exc.strerror or exc
            )
        ) from exc
    return ReportResult(
        out,
        manifest_path,
        digest,
        len(prepared.entries),
        laid_out.page_count,
        prepared.size_name,
        prepared.unblurred,
        fingerprint=identity.fingerprint,
        timestamped=timestamp_url is not None,
        own_photos_left_out=prepared.own_photos_left_out,
    )


def build_report(
    store: Store,
    scan_id: int,
    out_path: Path | str,
    *,
    title_name: str | None = None,
    timestamp_url: str | None = None,
    **options: Unpack[ReportOptions],
) -> ReportResult:
    """Write the signed evidence report PDF and its manifest for a scan's matches.

    `options` say which matches and how (see ReportOptions): `item_ids` picks matches by
    hand; `only_confirmed` keeps those marked "This is me"; matches marked "not me" are
    never included. `title_name` (or `privacy.name`) replaces the profile's name
    everywhere. `page_size` is "A4" or "Letter" (default: from the locale).
    `progress(done, total)` is called after each match is prepared and `cancelled()` is
    checked between matches (raises ReportCancelled; nothing is written).
    `timestamp_url` asks that time-stamping authority (RFC 3161) to time-stamp the
    signature: the only network use. Raises UserFacingError for a missing scan, no
    matches, an unwritable file, or a time-stamp that could not be had.
    """
    if title_name:
        options["privacy"] = replace(options.get("privacy") or ReportPrivacy(), name=title_name)
    prepared = prepare_report(store, scan_id, **options)
    return write_report(prepared, Path(out_path), store.folder, timestamp_url=timestamp_url)
