"""The installation's report-signing key, PAdES signatures of reports, and reading them back.

A key pair and a self-signed certificate are made the first time a report is written and
kept in the data folder (readable by the user only; the key sealed under the passphrase when
the folder is protected). The certificate names no person and no computer: it identifies
this installation only by its fingerprint, which every report prints. A valid signature
proves that the PDF is unchanged since this installation signed it; it cannot prove who ran
the app.
"""

import asyncio
import contextlib
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from likeness_guard import APP_NAME, __version__
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.storage import protection
from likeness_guard.core.storage.crypto import is_sealed
from likeness_guard.core.storage.layout import SIGNING_FOLDER, SIGNING_KEY_FILE
from likeness_guard.locale import _, in_language

KEY_FOLDER = SIGNING_FOLDER
KEY_FILE = SIGNING_KEY_FILE
CERT_FILE = "report-signing-cert.pem"
SIGNATURE_FIELD = "LikenessGuardSignature"
CERT_SUBJECT = f"{APP_NAME} evidence reports (one installation)"
TIMESTAMP_TIMEOUT_S = 20.0
# How times are written: signatures and time-stamps in ISO 8601, the report's pages for people.
UTC_ISO = "%Y-%m-%dT%H:%M:%SZ"
UTC_READABLE = "%Y-%m-%d %H:%M:%S UTC"


@dataclass(frozen=True)
class SigningIdentity:
    """The installation's key and certificate (PEM)."""

    key_pem: bytes
    cert_pem: bytes

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate (DER), in hex: what reports print and verify."""
        return certificate_fingerprint(self.cert_pem)


def certificate_fingerprint(cert_pem_or_der: bytes) -> str:
    """SHA-256 of a certificate's DER encoding, as 64 lower-case hex digits."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    if cert_pem_or_der.lstrip().startswith(b"-----BEGIN"):
        der = x509.load_pem_x509_certificate(cert_pem_or_der).public_bytes(Encoding.DER)
    else:
        der = cert_pem_or_der
    return hashlib.sha256(der).hexdigest()


def utc_text(moment: datetime, pattern: str = UTC_ISO) -> str:
    """`moment` in UTC, written by `pattern` (ISO 8601 by default)."""
    return moment.astimezone(UTC).strftime(pattern)


def spaced(fingerprint: str) -> str:
    """A fingerprint in groups of four, as people read them aloud."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))


def installation_fingerprint(data_folder: Path) -> str | None:
    """The fingerprint of the certificate kept in `data_folder`, or None; needs no key."""
    try:
        return certificate_fingerprint((data_folder / KEY_FOLDER / CERT_FILE).read_bytes())
    except (OSError, ValueError):
        return None


def existing_identity(data_folder: Path) -> SigningIdentity | None:
    """The identity kept in `data_folder`, or None; never creates anything.

    A key sealed under the folder's passphrase is opened (raises PassphraseNeeded when the
    folder is locked); a plain key in a protected folder, kept by an earlier version, is
    sealed on the way.
    """
    folder = data_folder / KEY_FOLDER
    try:
        stored = (folder / KEY_FILE).read_bytes()
        cert_pem = (folder / CERT_FILE).read_bytes()
    except OSError:
        return None
    try:
        key_pem = protection.opened_secret(data_folder, stored)
        if not is_sealed(stored) and protection.is_protected(data_folder):
            protection.seal_in_place(data_folder, folder / KEY_FILE)
    except (ValueError, OSError) as exc:
        raise UserFacingError(
            _(
                "The report's signing key in {folder} cannot be opened ({reason}). Move the "
                "'{key_folder}' folder away to make a new one; reports signed with the old key "
                "still verify."
            ).format(folder=folder, reason=exc, key_folder=KEY_FOLDER)
        ) from exc
    return SigningIdentity(key_pem, cert_pem)


def installation_identity(data_folder: Path) -> SigningIdentity:
    """The installation's identity, made on first use (files mode 0600, folder 0700).

    Two processes that make it at once end up with the same one. Raises UserFacingError
    when it cannot be written.
    """
    found = existing_identity(data_folder)
    if found is not None:
        return found
    folder = data_folder / KEY_FOLDER
    key_pem, cert_pem = _new_identity()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # The key first, created only if absent (a link fails when the name exists), so
        # that a concurrent first use cannot swap the key of a report being signed.
        if _create_exclusive(folder / KEY_FILE, protection.sealed_secret(data_folder, key_pem)):
            _create_exclusive(folder / CERT_FILE, cert_pem, replace=True)
    except OSError as exc:
        raise UserFacingError(
            _(
                "The report's signing key could not be saved in {folder} ({reason}). Check "
                "that the data folder is writable."
            ).format(folder=folder, reason=exc.strerror or exc)
        ) from exc
    kept = existing_identity(data_folder)
    if kept is None:
        raise UserFacingError(
            _("The report's signing key in {folder} could not be read back.").format(folder=folder)
        )
    return kept


def _create_exclusive(path: Path, data: bytes, *, replace: bool = False) -> bool:
    """Write `data` to a new file readable by its owner only; False when it already exists."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if replace:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _new_identity() -> tuple[bytes, bytes]:
    """A P-256 key and a self-signed certificate that names only the app."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CERT_SUBJECT)])
    now = datetime.now(UTC).replace(microsecond=0)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        # RFC 5280 4.1.2.5: this date means "no well-defined expiration date".
        .not_valid_after(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def sign_pdf(
    pdf: bytes,
    identity: SigningIdentity,
    *,
    attachment: bytes,
    attachment_name: str,
    signed_at: datetime,
    timestamp_url: str | None = None,
    language: str | None = None,
) -> bytes:
    """Attach `attachment` (JSON) to the PDF and sign the whole file (PAdES B-B, or B-T
    with an RFC 3161 time-stamp from `timestamp_url`, the only network use). The reason and
    the attachment's description, which PDF readers show, are in `language` (None: the
    language in use).

    Every date written is UTC. Raises UserFacingError when the time-stamping authority
    cannot be reached or refuses.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    _keep_utc_dates(writer.document_meta, signed_at)
    with in_language(language):
        reason = _("Evidence report made by {app} {version}").format(
            app=APP_NAME, version=__version__
        )
        description = _(
            "Manifest of this report (RFC 8785 canonical JSON), covered by its signature"
        )
    _attach(writer, attachment, (attachment_name, description), signed_at)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
    )
    timestamper = _timestamper(timestamp_url) if timestamp_url else None
    pdf_signer = signers.PdfSigner(meta, _signer(identity), timestamper=timestamper)

    async def run() -> bytes:
        # The steps of PdfSigner.async_sign_pdf, with the signing time set to UTC (pyHanko
        # would otherwise write the computer's local time zone into the PDF).
        session = pdf_signer.init_signing_session(writer)
        session.system_time = signed_at
        validation = await session.perform_presign_validation(writer)
        reserved = await session.estimate_signature_container_size(validation, tight=False)
        document = session.prepare_tbs_document(validation_info=validation, bytes_reserved=reserved)
        digest, output = document.digest_tbs_document(in_place=False, output=None)
        signed = await document.perform_signature(
            document_digest=digest.document_digest,
            pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=signed_at),
        )
        await signed.post_signature_processing(output)
        assert isinstance(output, io.BytesIO)
        return output.getvalue()

    try:
        return asyncio.run(run())
    except _TimestampFailed as exc:
        raise UserFacingError(
            _(
                "No time-stamp could be had from {address} ({reason}). The report was not "
                "written. Check the address, or leave out the time-stamp."
            ).format(address=timestamp_url, reason=exc)
        ) from exc


def _signer(identity: SigningIdentity) -> Any:
    """pyHanko's signer for the installation's key, its certificate its own registry."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    certificate = asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(identity.cert_pem).public_bytes(serialization.Encoding.DER)
    )
    private_key = serialization.load_pem_private_key(identity.key_pem, password=None)
    key_info = asn1_keys.PrivateKeyInfo.load(
        private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs([certificate]),  # type: ignore[no-untyped-call]
    )


def _attach(writer: Any, attachment: bytes, named: tuple[str, str], signed_at: datetime) -> None:
    """Embed the manifest in the PDF being signed, under `named` (its name, its
    description), dated `signed_at`."""
    from pyhanko.pdf_utils import embed

    name, description = named

    data = embed.EmbeddedFileObject.from_file_data(
        writer,
        attachment,
        mime_type="application/json",
        params=embed.EmbeddedFileParams(creation_date=signed_at, modification_date=signed_at),
    )
    embed.embed_file(
        writer,
        embed.FileSpec(
            file_spec_string=name,
            file_name=name,
            embedded_data=data,
            description=description,
        ),
    )


def _keep_utc_dates(meta: Any, signed_at: datetime) -> None:
    """Make the writer's metadata keep `signed_at` (UTC) as the modification date.

    pyHanko sets it to "now" just before writing, which it then writes in the computer's
    local time zone: a hint of where the person lives. tests/unit/report/test_signed_report.py
    signs under another time zone and fails if any local offset reaches the PDF.
    """
    from pyhanko.pdf_utils.metadata.model import DocumentMetadata

    class UtcMetadata(DocumentMetadata):
        def __setattr__(self, name: str, value: Any) -> None:
            if name == "last_modified" and value == "now":
                value = signed_at
            super().__setattr__(name, value)

    meta.__class__ = UtcMetadata
    meta.last_modified = signed_at


class _TimestampFailed(Exception):
    """The time-stamping authority could not be reached or refused."""


def _timestamper(url: str) -> Any:
    """An RFC 3161 client that sends nothing but the request: no cookies, no proxy."""
    import requests
    from asn1crypto import tsp
    from pyhanko.sign.timestamps.api import TimeStamper

    class SessionTimeStamper(TimeStamper):
        async def async_request_tsa_response(self, req: Any) -> Any:
            def post() -> Any:
                with requests.Session() as session:
                    session.trust_env = False
                    try:
                        response = session.post(
                            url,
                            data=req.dump(),
                            headers={
                                "Content-Type": "application/timestamp-query",
                                "User-Agent": f"LikenessGuard/{__version__}",
                            },
                            timeout=TIMESTAMP_TIMEOUT_S,
                        )
                    except (requests.RequestException, ValueError) as exc:
                        raise _TimestampFailed(type(exc).__name__) from exc
                    kind = response.headers.get("Content-Type", "").split(";")[0].strip()
                    if response.status_code != 200 or kind != "application/timestamp-reply":
                        raise _TimestampFailed(
                            f"HTTP {response.status_code}, {kind or _('no content type')}"
                        )
                    try:
                        return tsp.TimeStampResp.load(response.content)
                    except ValueError as exc:
                        raise _TimestampFailed(_("an answer that is not a time-stamp")) from exc

            return await asyncio.to_thread(post)

    return SessionTimeStamper()  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class TimestampFacts:
    """An RFC 3161 time-stamp on the signature."""

    time: str  # ISO 8601 UTC
    authority: str  # the authority's certificate subject
    authority_fingerprint: str
    intact: bool  # the token is sound and covers this signature


@dataclass(frozen=True)
class SignatureFacts:
    """What a PDF's signature says, checked."""

    intact: bool  # the signed bytes are unchanged and the signature is cryptographically valid
    whole_file: bool  # nothing was added after signing
    fingerprint: str  # of the signer's certificate
    subject: str
    signed_at: str | None  # as the signer's clock said, UTC
    timestamp: TimestampFacts | None
    # How many leading bytes of the file the signature covers: the PDF as it was signed,
    # before anything appended later (None when the signature's byte range is malformed).
    signed_length: int | None = None


def read_signature(pdf: bytes) -> SignatureFacts | None:
    """Check the report's signature offline; None when the PDF carries none.

    The signer's own certificate is taken as the trust anchor: what is checked is that
    nothing changed since it signed, and which key signed (by fingerprint). Raises
    ValueError when the PDF cannot be read.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:  # pyHanko raises many kinds on damaged files
        raise ValueError(
            _("it cannot be read as a PDF ({reason})").format(reason=_short(exc))
        ) from exc
    ours = [s for s in signatures if s.field_name == SIGNATURE_FIELD] or signatures
    if not ours:
        return None
    signature = ours[0]
    try:
        certificate = signature.signer_cert
        context = ValidationContext(trust_roots=[certificate], allow_fetching=False)
        # The authority's own certificates anchor the time-stamp: whether to trust that
        # authority is for the reader to judge; what is checked is that the token is sound.
        ts_certs = _timestamp_certificates(signature.signer_info)
        ts_context = (
            ValidationContext(trust_roots=ts_certs, allow_fetching=False) if ts_certs else None
        )
        status = validate_pdf_signature(
            signature, signer_validation_context=context, ts_validation_context=ts_context
        )
    except Exception as exc:
        raise ValueError(
            _("its signature cannot be read ({reason})").format(reason=_short(exc))
        ) from exc
    timestamp = None
    ts_status = status.timestamp_validity
    if ts_status is not None:
        ts_cert = ts_status.signing_cert
        timestamp = TimestampFacts(
            time=utc_text(ts_status.timestamp),
            authority=ts_cert.subject.human_friendly,
            authority_fingerprint=hashlib.sha256(ts_cert.dump()).hexdigest(),
            intact=bool(ts_status.intact and ts_status.valid),
        )
    signed_at = status.signer_reported_dt
    return SignatureFacts(
        intact=bool(status.intact and status.valid),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        fingerprint=hashlib.sha256(certificate.dump()).hexdigest(),
        subject=certificate.subject.human_friendly,
        signed_at=utc_text(signed_at) if signed_at is not None else None,
        timestamp=timestamp,
        signed_length=_signed_length(signature.byte_range),
    )


def _signed_length(byte_range: Any) -> int | None:
    """The end of a /ByteRange [0 a b c] (b + c): where the signed revision ends."""
    try:
        first, _length, second, length = (int(value) for value in byte_range)
    except (TypeError, ValueError):
        return None
    return second + length if first == 0 and second >= 0 and length >= 0 else None


def _timestamp_certificates(signer_info: Any) -> list[Any]:
    """The certificates inside the signature's RFC 3161 token, if it has one."""
    for attribute in signer_info["unsigned_attrs"] or ():
        if attribute["type"].native == "signature_time_stamp_token":
            token = attribute["values"][0]
            certificates = token["content"]["certificates"] or ()
            return [choice.chosen for choice in certificates if choice.name == "certificate"]
    return []


def attached_file(pdf: bytes, name: str) -> bytes | None:
    """The bytes of the file attached to the PDF under `name`, or None.

    Raises ValueError when the PDF cannot be read.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        try:  # indexing resolves indirect references; .get() would not
            pairs = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        except KeyError:
            return None
        for index in range(0, len(pairs) - 1, 2):
            if str(pairs[index]) == name:
                spec = pairs[index + 1].get_object()
                stream = spec["/EF"]["/F"].get_object()
                data: bytes = stream.data
                return data
    except Exception as exc:
        raise ValueError(
            _("its attached manifest cannot be read ({reason})").format(reason=_short(exc))
        ) from exc
    return None


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."
