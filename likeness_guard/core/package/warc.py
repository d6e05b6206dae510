"""WARC files of the HTTP exchanges kept for matched web images, and checking them later.

Each request and response is written byte for byte as it was captured at scan time (the
response still chunked and compressed if it came so), with SHA-256 block and payload
digests. `read_warc` reads them back and says, per record, whether its digests still hold
and what the content inside it hashes to once decoded: the image or page bytes whose
SHA-256 the manifest states.
"""

import base64
import hashlib
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from likeness_guard import APP_NAME, __version__
from likeness_guard.core.domain.json_types import JsonDict
from likeness_guard.core.domain.records import KeptExchange
from likeness_guard.locale import _

WARC_VERSION = "WARC/1.1"


@dataclass(frozen=True)
class WarcRecordFacts:
    """One record of a WARC file, as the manifest lists it."""

    record_type: str  # "warcinfo", "request" or "response"
    uri: str
    role: str  # "image", "page" or "" (warcinfo)
    date: str
    block_sha256: str  # hex, of the record's whole block
    content_sha256: str | None  # hex, of a response's body once decoded; None otherwise
    ip_address: str | None = None  # the server's (WARC-IP-Address), when it was recorded

    def facts(self) -> JsonDict:
        """The record as the manifest's `package.warc[].records` lists it."""
        return {
            "type": self.record_type,
            "uri": self.uri,
            "role": self.role,
            "date": self.date,
            "ip_address": self.ip_address,
            "block_sha256": self.block_sha256,
            "content_sha256": self.content_sha256,
        }


@dataclass(frozen=True)
class WarcRecordCheck:
    """One record read back: its digests, and the decoded content's SHA-256."""

    number: int  # 1-based position in the file
    record_type: str
    uri: str
    digests_ok: bool
    problem: str | None
    block_sha256: str
    content_sha256: str | None


def _digest(data: bytes) -> str:
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode("ascii")


def _warc_date(iso: str) -> str:
    return iso if iso.endswith("Z") else iso + "Z"


def warc_bytes(
    kept: Sequence[KeptExchange], *, description: str
) -> tuple[bytes, list[WarcRecordFacts]]:
    """A gzipped WARC file: a warcinfo record, then a request and a response per exchange.

    Returns the file's bytes and the facts of each record, in order.
    """
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    first_date = _warc_date(kept[0].exchange.retrieved_at) if kept else ""
    info = (
        f"software: {APP_NAME} {__version__}\r\n"
        "format: WARC File Format 1.1\r\n"
        f"description: {description}\r\n"
    ).encode()
    _write_record(writer, "warcinfo", "", first_date, info, "application/warc-fields", [])
    facts = [
        WarcRecordFacts("warcinfo", "", "", first_date, hashlib.sha256(info).hexdigest(), None)
    ]
    for entry in kept:
        raw = entry.exchange
        date = _warc_date(raw.retrieved_at)
        # The server's address, as connected to (scans before it was recorded have none).
        ip: list[tuple[str, str]] = [("WARC-IP-Address", raw.ip_address)] if raw.ip_address else []
        request_id = _write_record(
            writer, "request", raw.url, date, raw.request, "application/http; msgtype=request", ip
        )
        extra: list[tuple[str, str]] = [*ip, ("WARC-Concurrent-To", request_id)]
        if not raw.complete:
            extra.append(("WARC-Truncated", "unspecified"))
        _write_record(
            writer,
            "response",
            raw.url,
            date,
            raw.response,
            "application/http; msgtype=response",
            extra,
        )
        content = _decoded_sha256(raw.response, raw.url) if raw.complete else None
        for record_type, block, decoded in (
            ("request", raw.request, None),
            ("response", raw.response, content),
        ):
            sha = hashlib.sha256(block).hexdigest()
            facts.append(
                WarcRecordFacts(
                    record_type, raw.url, str(entry.role), date, sha, decoded, raw.ip_address
                )
            )
    return out.getvalue(), facts


def _write_record(
    writer: Any,
    record_type: str,
    uri: str,
    date: str,
    block: bytes,
    content_type: str,
    extra: list[tuple[str, str]],
) -> str:
    """Write one record with its block (and, for HTTP, payload) digest; returns its ID."""
    from warcio.recordloader import ArcWarcRecord
    from warcio.statusandheaders import StatusAndHeaders

    record_id = f"<urn:uuid:{uuid.uuid4()}>"
    headers: list[tuple[str, str]] = [
        ("WARC-Type", record_type),
        ("WARC-Record-ID", record_id),
        ("WARC-Date", date),
    ]
    if uri:
        headers.append(("WARC-Target-URI", uri))
    headers += extra
    headers.append(("WARC-Block-Digest", _digest(block)))
    if record_type in ("request", "response"):
        payload = block.partition(b"\r\n\r\n")[2]
        headers.append(("WARC-Payload-Digest", _digest(payload)))
    record = ArcWarcRecord(
        "warc",
        record_type,
        StatusAndHeaders("", headers, protocol=WARC_VERSION),
        io.BytesIO(block),
        None,
        content_type,
        len(block),
    )
    writer.write_record(record)
    return record_id


def _decoded_sha256(response: bytes, uri: str) -> str | None:
    """SHA-256 of a response's body after undoing chunked transfer and compression, read
    through warcio as a recipient's tools would; None when it cannot be decoded."""
    from warcio.archiveiterator import ArchiveIterator

    head = (
        f"{WARC_VERSION}\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
        f"Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(response)}\r\n\r\n"
    ).encode()
    try:
        for record in ArchiveIterator(io.BytesIO(head + response + b"\r\n\r\n")):
            return hashlib.sha256(record.content_stream().read()).hexdigest()
    except Exception:  # a damaged body: no decoded hash can be stated
        return None
    return None


def read_warc(data: bytes) -> list[WarcRecordCheck]:
    """Every record of a WARC file with its digests checked and its content hashed.

    Raises ValueError when the file cannot be read as WARC at all.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    checks: list[WarcRecordCheck] = []
    try:
        for number, record in enumerate(
            ArchiveIterator(io.BytesIO(data), no_record_parse=True), start=1
        ):
            headers = record.rec_headers
            block = record.raw_stream.read()
            problem = None
            block_digest = headers.get_header("WARC-Block-Digest")
            if block_digest and block_digest != _digest(block):
                problem = _("its block no longer matches its WARC-Block-Digest")
            payload_digest = headers.get_header("WARC-Payload-Digest")
            if problem is None and payload_digest:
                payload = block.partition(b"\r\n\r\n")[2]
                if payload_digest != _digest(payload):
                    problem = _("its payload no longer matches its WARC-Payload-Digest")
            if problem is None and not block_digest:
                problem = _("it has no WARC-Block-Digest to check")
            record_type = str(headers.get_header("WARC-Type") or "")
            uri = str(headers.get_header("WARC-Target-URI") or "")
            complete = headers.get_header("WARC-Truncated") is None
            content = (
                _decoded_sha256(block, uri) if record_type == "response" and complete else None
            )
            checks.append(
                WarcRecordCheck(
                    number=number,
                    record_type=record_type,
                    uri=uri,
                    digests_ok=problem is None,
                    problem=problem,
                    block_sha256=hashlib.sha256(block).hexdigest(),
                    content_sha256=content,
                )
            )
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        first = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise ValueError(
            _("it cannot be read as a WARC file ({reason})").format(reason=first.strip())
        ) from exc
    return checks
