"""Checking a signed report, or a whole evidence package, on any computer.

In order: the PDF's signature (unchanged since signed, by which key); then every field of
the manifest beside it against the signed copy inside the PDF; then every file the signed
manifest describes (originals, WARC records, pdq.txt, the recipient's README) against the
package, or the kept evidence of this computer's data folder for a bare PDF. Nothing is
written anywhere: a package is read where it lies, a .zip in memory.
"""

import contextlib
import enum
import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from likeness_guard.core.domain.errors import ImageError, UserFacingError
from likeness_guard.core.package.checksums import SUMS, SUMS_FILES, parse_sums
from likeness_guard.core.package.verify_files import PackageFiles, open_target, show
from likeness_guard.core.package.verify_files import differences as manifest_differences
from likeness_guard.core.package.warc import read_warc
from likeness_guard.core.report.manifest import (
    ATTACHMENT_NAME,
    manifest_path_for,
    parse_manifest,
)
from likeness_guard.core.report.signing import (
    attached_file,
    installation_fingerprint,
    read_signature,
    spaced,
)
from likeness_guard.core.storage.evidence import EvidenceFolder
from likeness_guard.locale import N_, _, ngettext, pgettext

_Found = TypeVar("_Found")
# Translators: an image's check: where it was found, then what the check found.
_SOURCE_WORDS = N_("{source}: {detail}")


class Status(enum.StrEnum):
    OK = "ok"
    CHANGED = "changed"  # differs from what the signed report states
    MISSING = "missing"  # described by the report, but not here to check
    EXTRA = "extra"  # in the package, but not among the files the signed report lists
    NOTE = "note"  # worth knowing; changes nothing


# What operating systems put into folders and zips on their own (Finder, Explorer): not
# part of a package, but not planted evidence either.
_SYSTEM_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_SYSTEM_FOLDERS = frozenset({"__MACOSX"})


@dataclass(frozen=True)
class Finding:
    """One thing checked, and what was found, in plain words."""

    status: Status
    subject: str  # what was checked: "signature", "manifest field items[0].url", a file
    detail: str  # in the language in use
    label: str = ""  # `subject` in the language in use ("": the same, e.g. a file's path)

    @property
    def shown(self) -> str:
        """What was checked, as a person reads it."""
        return self.label or self.subject


def subject_label(subject: str) -> str:
    """The words for a fixed subject of a finding ("signature"); other subjects (files) are
    shown as they are."""
    words = {
        # Translators: what a check of a report looked at, before what it found.
        "signature": pgettext("verification", "signature"),
        "time-stamp": pgettext("verification", "time-stamp"),
        "signer": pgettext("verification", "signer"),
        "signed manifest": pgettext("verification", "signed manifest"),
        "package": pgettext("verification", "package"),
    }
    return words.get(subject, "")


@dataclass(frozen=True)
class VerifyResult:
    """Everything checked about a report or package."""

    target: Path
    is_package: bool
    pdf_name: str
    pdf_sha256: str
    fingerprint: str | None
    findings: tuple[Finding, ...]
    # Images the report describes whose bytes were not at hand to check (a PDF alone, on a
    # computer that does not keep them): a limit of what was given, not a failure.
    unchecked: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing differs, nothing the package should hold is missing and
        nothing was added to it."""
        failing = (Status.CHANGED, Status.MISSING, Status.EXTRA)
        return not any(f.status in failing for f in self.findings)

    def with_status(self, status: Status) -> list[Finding]:
        return [f for f in self.findings if f.status is status]


def verify_report(
    target: Path | str,
    evidence: EvidenceFolder | None = None,
    data_folder: Path | None = None,
) -> VerifyResult:
    """Check a report PDF or an evidence package (a folder or a .zip).

    `evidence` is the kept evidence to check a bare PDF's images against (None: they are
    reported missing); `data_folder`, when given, says whether this computer's key signed
    it. Reads only. Raises UserFacingError when the target is missing or not a report.
    """
    target = Path(target)
    is_package, files, pdf_name = open_target(target)
    pdf = files.read(pdf_name)
    if pdf is None:
        raise UserFacingError(_("The report {name} cannot be read.").format(name=pdf_name))
    pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    check = _Check(files, is_package, evidence)
    with _quiet_pyhanko():
        fingerprint = check.signature(pdf, data_folder)
        # The manifest attached to the PDF as it was signed: an update appended later may
        # attach another one, which is not the signed copy.
        signed = check.signed_manifest(pdf[: check.signed_length or len(pdf)], fingerprint)
    if signed is not None:
        beside_name = manifest_path_for(Path(pdf_name)).name
        check.manifest_beside(beside_name, signed, pdf_sha256)
        check.items(signed)
        check.package_files(signed, pdf_name, beside_name)
    return VerifyResult(
        target=target,
        is_package=is_package,
        pdf_name=pdf_name,
        pdf_sha256=pdf_sha256,
        fingerprint=fingerprint,
        findings=tuple(check.findings),
        unchecked=check.unchecked,
    )


@contextlib.contextmanager
def _quiet_pyhanko() -> Iterator[None]:
    """Keep pyHanko's own warnings (with tracebacks) about a modified file off the screen:
    what they find is reported as a finding in plain words instead."""
    logger = logging.getLogger("pyhanko")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


class _Check:
    """The checks of one call, collecting findings."""

    def __init__(self, files: PackageFiles, is_package: bool, evidence: EvidenceFolder | None):
        self.files = files
        self.is_package = is_package
        self.evidence = evidence
        self.findings: list[Finding] = []
        self.signed_length: int | None = None  # where the PDF as signed ends
        self.unchecked = 0  # images not at hand to check

    def add(self, status: Status, subject: str, detail: str, label: str | None = None) -> None:
        label = subject_label(subject) if label is None else label
        self.findings.append(Finding(status, subject, detail, label))

    def _from_pdf(
        self, subject: str, read: Callable[[], _Found | None], absent: str
    ) -> _Found | None:
        """What `read()` finds in the PDF; None, with a finding about `subject`, when the
        PDF is damaged (`read` raised ValueError) or has nothing to find."""
        try:
            found = read()
        except ValueError as exc:
            self.add(Status.CHANGED, subject, _("The PDF is damaged: {reason}.").format(reason=exc))
            return None
        if found is None:
            self.add(Status.CHANGED, subject, absent)
        return found

    # ---- the PDF ---------------------------------------------------------------------------

    def signature(self, pdf: bytes, data_folder: Path | None) -> str | None:
        facts = self._from_pdf(
            "signature",
            lambda: read_signature(pdf),
            _(
                "The PDF carries no signature: it was not made by this version of Likeness "
                "Guard, or its signature was removed. Nothing in it can be verified."
            ),
        )
        if facts is None:
            return None
        self.signed_length = facts.signed_length
        if not facts.intact:
            self.add(
                Status.CHANGED,
                "signature",
                _(
                    "The PDF was changed after it was signed: its bytes no longer match the "
                    "signature."
                ),
            )
        elif not facts.whole_file:
            self.add(
                Status.CHANGED,
                "signature",
                _(
                    "Something was added to the PDF after it was signed (an incremental "
                    "update): what a reader shows may differ from what was signed."
                ),
            )
        else:
            self.add(
                Status.OK,
                "signature",
                _(
                    "The PDF is unchanged since it was signed ({when} by the signer's clock) "
                    "with the key whose certificate fingerprint is {fingerprint}."
                ).format(
                    when=facts.signed_at or _("time unknown"),
                    fingerprint=spaced(facts.fingerprint),
                ),
            )
        stamp = facts.timestamp
        if stamp is not None:
            self.add(
                Status.OK if stamp.intact else Status.CHANGED,
                "time-stamp",
                _(
                    "Time-stamped {time} by {authority} (certificate fingerprint "
                    "{fingerprint}…): the signature existed then. Whether to trust that "
                    "authority is yours to judge."
                ).format(
                    time=stamp.time,
                    authority=stamp.authority,
                    fingerprint=stamp.authority_fingerprint[:16],
                )
                if stamp.intact
                else _("The time-stamp on the signature does not match it."),
            )
        if data_folder is not None:
            mine = installation_fingerprint(data_folder)
            if mine is not None:
                same = mine == facts.fingerprint
                self.add(
                    Status.NOTE,
                    "signer",
                    _("Signed by this computer's Likeness Guard installation.")
                    if same
                    else _("Signed by another Likeness Guard installation than this computer's."),
                )
        return facts.fingerprint

    def signed_manifest(self, pdf: bytes, fingerprint: str | None) -> dict[str, Any] | None:
        data = self._from_pdf(
            "signed manifest",
            lambda: attached_file(pdf, ATTACHMENT_NAME),
            _("The PDF has no {name} attached, so its facts cannot be checked.").format(
                name=ATTACHMENT_NAME
            ),
        )
        if data is None:
            return None
        try:
            where = _("The {name} attached to the PDF").format(name=ATTACHMENT_NAME)
            document = parse_manifest(data, where)
        except UserFacingError as exc:
            self.add(Status.CHANGED, "signed manifest", str(exc))
            return None
        named = str((document.get("signature") or {}).get("certificate_sha256") or "")
        if fingerprint is not None and named != fingerprint:
            self.add(
                Status.CHANGED,
                "signed manifest",
                _(
                    "The PDF was signed by another key than the one its manifest names "
                    "({fingerprint}…)."
                ).format(fingerprint=spaced(named)[:19]),
            )
        return document

    def manifest_beside(self, name: str, signed: dict[str, Any], pdf_sha256: str) -> None:
        data = self.files.read(name)
        if data is None:
            self.add(
                Status.CHANGED if self.is_package else Status.NOTE,
                name,
                _("The manifest file is missing; the signed copy inside the PDF was used."),
            )
            return
        try:
            beside = parse_manifest(data, name)
        except UserFacingError as exc:
            self.add(Status.CHANGED, name, str(exc))
            return
        stated = (beside.get("pdf") or {}).get("sha256") if isinstance(beside, dict) else None
        differences = [
            (path, mine, theirs)
            for path, mine, theirs in manifest_differences(beside, signed)
            if path != "pdf.sha256"
        ]
        for path, mine, theirs in differences:
            self.add(
                Status.CHANGED,
                f"manifest field {path}",
                _("{file} says {mine}, but the signed copy in the PDF says {theirs}.").format(
                    file=name, mine=show(mine), theirs=show(theirs)
                ),
                _("manifest field {path}").format(path=path),
            )
        if stated != pdf_sha256:
            self.add(
                Status.CHANGED,
                "manifest field pdf.sha256",
                _("{file} says the PDF's SHA-256 is {stated}, but it is {actual}.").format(
                    file=name, stated=stated, actual=pdf_sha256
                ),
                _("manifest field {path}").format(path="pdf.sha256"),
            )
        if not differences and stated == pdf_sha256:
            self.add(
                Status.OK,
                name,
                _("Every field equals the signed copy in the PDF, and it names the PDF's SHA-256."),
            )

    # ---- what the manifest describes -------------------------------------------------------

    def items(self, signed: dict[str, Any]) -> None:
        from likeness_guard.core.imaging.decode import decode_stored
        from likeness_guard.core.imaging.pdq import platform_pdq

        checked: dict[str, tuple[Status, str]] = {}
        for item in signed.get("items") or []:
            sha = str(item.get("sha256") or "")
            number = item.get("number")
            source = str(item.get("source") or "")
            subject = f"image #{number}"
            label = _("image #{number}").format(number=number)
            packaged = item.get("original_file")
            key = f"{sha} {packaged}"
            if key in checked:  # the same bytes in the same place: checked once
                status, detail = checked[key]
                self.add(
                    status, subject, _(_SOURCE_WORDS).format(source=source, detail=detail), label
                )
                continue
            data, where = self._original(packaged, sha)
            if data is None:
                status, detail = self._absent(packaged)
            elif hashlib.sha256(data).hexdigest() != sha:
                status = Status.CHANGED
                detail = _(
                    "{where} no longer has the SHA-256 the signed report states ({stated}); "
                    "it is now {actual}"
                ).format(where=where, stated=sha, actual=hashlib.sha256(data).hexdigest())
            else:
                status = Status.OK
                detail = _("SHA-256 {sha256} ({where})").format(sha256=sha, where=where)
                stated = (item.get("pdq") or {}).get("hash")
                if stated:
                    try:
                        stored, orientation = decode_stored(data)
                        pdq = platform_pdq(stored, orientation).stored.hex
                    except (ImageError, ValueError):
                        pdq = None
                    if pdq is not None and pdq != stated:
                        status = Status.CHANGED
                        detail = _("its PDQ hash is {pdq}, not {stated} as the report states")
                        detail = detail.format(pdq=pdq, stated=stated)
            checked[key] = (status, detail)
            self.add(status, subject, _(_SOURCE_WORDS).format(source=source, detail=detail), label)

    def _absent(self, packaged: Any) -> tuple[Status, str]:
        """What to say of an image whose bytes are not here: missing when the signed
        package lists them, else not checked (never "missing" for a PDF alone)."""
        if self.is_package and packaged:
            return Status.MISSING, _("{file} is missing from the package").format(file=packaged)
        self.unchecked += 1
        if self.is_package:
            return Status.NOTE, _(
                "not checked: the signed report says that its original was not kept, so the "
                "package does not include it."
            )
        return Status.NOTE, _(
            "not checked: a PDF alone does not include the original files, and this "
            "computer does not keep this one. The evidence package includes it: verify the "
            "package to check it too."
        )

    def _original(self, packaged: Any, sha: str) -> tuple[bytes | None, str]:
        if self.is_package:
            if not packaged:
                return None, ""
            return self.files.read(str(packaged)), str(packaged)
        if self.evidence is None or not sha:
            return None, ""
        return self.evidence.get(sha), _("the copy kept in this computer's data folder")

    def package_files(self, signed: dict[str, Any], pdf_name: str, beside_name: str) -> None:
        package = signed.get("package")
        if not self.is_package:
            return
        if not isinstance(package, dict):
            self.add(
                Status.CHANGED,
                "package",
                _(
                    "The signed report describes no evidence package: this folder was not "
                    "exported as one."
                ),
            )
            return
        listed: set[str] = set()
        for entry in package.get("files") or []:
            path = str(entry.get("path"))
            listed.add(path)
            data = self.files.read(path)
            if data is None:
                self.add(Status.MISSING, path, _("This packaged file is missing."))
                continue
            actual = hashlib.sha256(data).hexdigest()
            if actual != entry.get("sha256"):
                self.add(
                    Status.CHANGED,
                    path,
                    _(
                        "Changed since the report was signed: its SHA-256 is {actual}, the "
                        "signed manifest says {stated}."
                    ).format(actual=actual, stated=entry.get("sha256")),
                )
            elif not path.startswith("originals/"):  # originals are reported per image
                self.add(Status.OK, path, _("SHA-256 {sha256}").format(sha256=actual))
        for warc in package.get("warc") or []:
            self._warc(warc)
        self._sums(listed | {pdf_name, beside_name})
        unsigned = {pdf_name, beside_name, *SUMS_FILES}
        self._extras(sorted(self.files.names() - listed - unsigned))

    def _extras(self, names: list[str]) -> None:
        """Files in the package that the signed manifest does not list."""
        for extra in names:
            where = PurePosixPath(extra)
            if where.name in _SYSTEM_FILES or where.parts[0] in _SYSTEM_FOLDERS:
                self.add(
                    Status.NOTE,
                    extra,
                    _(
                        "A file the operating system adds to folders on its own; it is not "
                        "part of the signed package."
                    ),
                )
            else:
                self.add(
                    Status.EXTRA,
                    extra,
                    _(
                        "Not part of the signed package: this file was added after the "
                        "report was signed, and the signature does not vouch for it."
                    ),
                )

    def _warc(self, warc: dict[str, Any]) -> None:
        path = str(warc.get("path"))
        data = self.files.read(path)
        if data is None:
            return  # reported missing with the files
        stated = list(warc.get("records") or [])
        try:
            records = read_warc(data)
        except ValueError as exc:
            self.add(
                Status.CHANGED, path, _("The WARC file is damaged: {reason}.").format(reason=exc)
            )
            return
        for record in records:
            subject = f"{path} record {record.number} ({record.record_type} {record.uri})"
            # Translators: one record of a WARC file (web archive): its number, its type
            # (request, response) and its web address.
            label = _("{file} record {number} ({type} {address})").format(
                file=path, number=record.number, type=record.record_type, address=record.uri
            )
            expected = stated[record.number - 1] if record.number <= len(stated) else None
            if record.problem is not None:
                changed = _("Changed: {problem}.").format(problem=record.problem)
                self.add(Status.CHANGED, subject, changed, label)
            elif expected is None:
                unlisted = _("A record the signed manifest does not list.")
                self.add(Status.CHANGED, subject, unlisted, label)
            elif expected.get("block_sha256") != record.block_sha256:
                differs = _(
                    "Changed since the report was signed (its bytes differ from the signed "
                    "manifest's record)."
                )
                self.add(Status.CHANGED, subject, differs, label)
        if len(records) < len(stated):
            self.add(
                Status.CHANGED,
                path,
                ngettext(
                    "{count} of its records is missing.",
                    "{count} of its records are missing.",
                    len(stated) - len(records),
                ).format(count=len(stated) - len(records)),
            )

    def _sums(self, expected: set[str]) -> None:
        for sums, algorithm in SUMS:
            data = self.files.read(sums)
            if data is None:
                self.add(Status.NOTE, sums, _("Not in the package (it only helps other tools)."))
                continue
            wrong = []
            for name, digest in parse_sums(data):
                content = self.files.read(name)
                if content is None or hashlib.new(algorithm, content).hexdigest() != digest:
                    wrong.append(name)
            if wrong:
                self.add(
                    Status.CHANGED,
                    sums,
                    _("These files do not match it: {files}.").format(
                        files=", ".join(sorted(wrong))
                    ),
                )
            else:
                self.add(Status.OK, sums, _("Every file listed matches."))
