"""The README.txt of an evidence package, for whoever receives it: what is in it, how to
check it, and what its signature proves. It is listed, with its SHA-256, in the signed
manifest."""

from datetime import datetime

from likeness_guard import APP_NAME, __version__
from likeness_guard.locale import N_, _

# Translators: the README of an evidence package, for a platform, a lawyer or the police. Keep
# the layout, the names of files and folders and the commands as they are.
_README = N_("""\
EVIDENCE PACKAGE
Made with {app} {version} on {generated} (UTC).
Prepared for: {name}

CONFIDENTIAL: the originals/ and web/ folders hold the images exactly as they were found,
NOT blurred. Open them only if you need to see them.

This package documents images in which a face closely resembles reference photos of the
person named above, found on that person's own computer by {app}. A match is strong
resemblance, not proof of identity: see "Method and limits" in the report.

WHAT IS HERE
  {pdf}
      The signed evidence report. Open it with any PDF reader; readers that show
      signatures (Adobe Acrobat Reader, Okular, ...) show its signature panel.
  {manifest}
      Every fact of the report as canonical JSON (RFC 8785). The same document is attached
      inside the PDF, where the signature covers it.
  originals/
      The exact bytes of each image, as found (NNN-<start of its SHA-256>.<type>).
  web/
      For images found on the web: the HTTP requests and responses as the app sent and
      received them when it scanned (headers as received, bodies byte for byte), as WARC
      files (ISO 28500), readable with any WARC tool (warcio, pywb, ...).
  pdq.txt
      PDQ perceptual hashes of the originals, as hash-sharing programmes compute them.
  SHA256SUMS, MD5SUMS
      Checksums of every file, for `sha256sum -c SHA256SUMS` and `md5sum -c MD5SUMS`.

HOW TO CHECK IT
  With {app} installed (on any computer; it writes nothing):
      likeness-guard verify-report <this folder, or the .zip>
  It checks the PDF's signature, then every field of the manifest against the signed copy
  inside the PDF, then every original, WARC record and file against the signed manifest,
  and names anything that differs.
  Without it: run `sha256sum -c SHA256SUMS` in this folder; open the PDF in a reader that
  checks signatures. The signing certificate's SHA-256 fingerprint is
      {fingerprint}
  and is printed on the report's cover.

WHAT THE SIGNATURE PROVES, AND WHAT IT DOES NOT
  It proves that the report, and through the hashes in its manifest every file in
  this package, is unchanged since the {app} installation holding that key made
  it. The key was created on the person's computer for that installation; it is not
  issued by any authority and names no one. So it does not prove who ran the app, nor
  that the images show that person; and anyone with access to that computer's data
  folder could sign with it.{timestamp}
""")

_TIMESTAMP = N_("""
  The signature also carries a time-stamp from {authority}: an independent record that
  the report existed at that time.""")


def readme_text(
    *,
    generated: datetime,
    name: str,
    pdf: str,
    manifest: str,
    fingerprint: str,
    timestamp_url: str | None,
) -> str:
    """The README for a package made at `generated` (UTC) for `name`, whose report is `pdf`
    with `manifest` beside it, signed by the key with `fingerprint` (spaced)."""
    return _(_README).format(
        app=APP_NAME,
        version=__version__,
        generated=generated.strftime("%Y-%m-%d %H:%M:%S"),
        name=name,
        pdf=pdf,
        manifest=manifest,
        fingerprint=fingerprint,
        timestamp=_(_TIMESTAMP).format(authority=timestamp_url) if timestamp_url else "",
    )
