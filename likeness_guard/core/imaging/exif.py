"""The one EXIF reader: text fields where generators leave their settings (UserComment,
Make, …), and the camera facts an evidence report states (date taken, camera, software)."""

import io
import warnings
from dataclasses import dataclass

from PIL import Image

_USER_COMMENT = 0x9286
_EXIF_IFD = 0x8769
# IFD0 text tags that generators abuse: ComfyUI's animated WebP puts "prompt:{json}" in Model
# and "workflow:{json}" in Make; NovelAI and others name themselves in Software.
_IFD0_TEXT_TAGS = {
    0x010E: "ImageDescription",
    0x010F: "Make",
    0x0110: "Model",
    0x0131: "Software",
    0x013B: "Artist",
    0x8298: "Copyright",
}
_XP_TAGS = {0x9C9C: "XPComment", 0x9C9B: "XPTitle", 0x9C9F: "XPSubject"}


@dataclass(frozen=True)
class ExifText:
    """One text value from an EXIF block, with where it came from."""

    tag: str  # "UserComment", "Make", …
    text: str
    where: str  # e.g. "JPEG APP1 Exif, IFD0"


def read_exif_text(tiff: bytes, where: str) -> tuple[list[ExifText], list[str]]:
    """Return the text fields of an EXIF block and the problems met reading it.

    Raises ValueError if the block cannot be parsed at all.
    """
    exif = Image.Exif()
    # Pillow reports some damage only as a warning ("Corrupt EXIF data"); record those as
    # problems instead of letting them escape as warnings.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exif.load(tiff if not tiff.startswith(b"Exif\x00\x00") else tiff[6:])
            ifd0 = dict(exif.items())
            exif_ifd = dict(exif.get_ifd(_EXIF_IFD).items())
        except Exception as exc:  # Pillow raises many kinds on damaged TIFF structures
            raise ValueError(f"damaged EXIF block ({type(exc).__name__}: {exc})") from exc
    problems = [str(w.message)[:300] for w in caught]
    found: list[ExifText] = []
    for tag, name in _IFD0_TEXT_TAGS.items():
        text = _as_text(ifd0.get(tag))
        if text:
            found.append(ExifText(name, text, f"{where}, IFD0"))
    for tag, name in _XP_TAGS.items():
        raw = ifd0.get(tag)
        if isinstance(raw, bytes | tuple):
            raw_bytes = bytes(raw)
            text = raw_bytes.decode("utf-16-le", "replace").rstrip("\x00")
            if text:
                found.append(ExifText(name, text, f"{where}, IFD0"))
    # UserComment belongs in the Exif IFD, but ComfyUI's JPEG nodes write it in IFD0.
    for ifd_name, ifd in (("Exif IFD", exif_ifd), ("IFD0", ifd0)):
        raw = ifd.get(_USER_COMMENT)
        if raw is None:
            continue
        text = decode_user_comment(raw)
        if text:
            found.append(ExifText("UserComment", text, f"{where}, {ifd_name}"))
    return found, problems


# Facts for the evidence report: name -> (IFD, tag); IFD None is IFD0.
_CAMERA_FACTS = {
    "date_taken": (_EXIF_IFD, 0x9003),  # DateTimeOriginal
    "date_modified": (None, 0x0132),  # DateTime
    "camera_make": (None, 0x010F),
    "camera_model": (None, 0x0110),
    "software": (None, 0x0131),
}


def camera_facts(data: bytes) -> dict[str, str]:
    """Date taken, camera and software from an image's EXIF; empty when there is none.

    Never raises: a damaged EXIF block just yields no facts.
    """
    facts: dict[str, str] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                exif = image.getexif()
                sub = exif.get_ifd(_EXIF_IFD)
                for name, (ifd, tag) in _CAMERA_FACTS.items():
                    text = _as_text((sub if ifd else exif).get(tag))
                    if text:
                        facts[name] = text[:200]
    except Exception:  # hostile files: report nothing rather than fail the report
        return facts
    return facts


def read_exif_from_image(data: bytes) -> bytes | None:
    """Return the raw EXIF block of formats we do not walk ourselves (HEIC, AVIF), or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                raw = image.info.get("exif")
    except Exception:
        return None
    return raw if isinstance(raw, bytes) else None


def decode_user_comment(raw: object) -> str:
    """Decode an EXIF UserComment: 8-byte charset header, then ASCII, UTF-16 or JIS text.

    A1111 writes "UNICODE" as UTF-16 big-endian whatever the file's byte order; other tools
    write little-endian, so the byte order is guessed from where the zero bytes fall.
    """
    if isinstance(raw, str):
        return raw.strip("\x00").strip()
    if isinstance(raw, tuple):
        raw = bytes(raw)
    if not isinstance(raw, bytes):
        return ""
    header, body = raw[:8], raw[8:]
    if header == b"UNICODE\x00":
        return _decode_utf16(body)
    if header == b"ASCII\x00\x00\x00":
        return body.decode("utf-8", "replace").strip("\x00").strip()
    if header == b"JIS\x00\x00\x00\x00\x00":
        return body.decode("shift_jis", "replace").strip("\x00").strip()
    if header == b"\x00" * 8:
        return body.decode("utf-8", "replace").strip("\x00").strip()
    # No charset header at all: some tools store plain text.
    return raw.decode("utf-8", "replace").strip("\x00").strip()


def _decode_utf16(body: bytes) -> str:
    if body[:2] == b"\xfe\xff":
        return body[2:].decode("utf-16-be", "replace").strip("\x00").strip()
    if body[:2] == b"\xff\xfe":
        return body[2:].decode("utf-16-le", "replace").strip("\x00").strip()
    sample = body[:2000]
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    codec = "utf-16-be" if zeros_even >= zeros_odd else "utf-16-le"
    return body[: len(body) // 2 * 2].decode(codec, "replace").strip("\x00").strip()


def _as_text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return ""
    return value.strip("\x00").strip()
