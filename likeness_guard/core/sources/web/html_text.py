"""Recognise HTML bytes and decode them to text the way browsers do."""

import codecs
from html.parser import HTMLParser

# The WHATWG MIME sniffing patterns for HTML, each followed by a space or ">".
_HTML_SNIFF_PREFIXES = tuple(
    prefix.encode()
    for prefix in (
        "<!doctype html",
        "<html",
        "<head",
        "<script",
        "<iframe",
        "<h1",
        "<div",
        "<font",
        "<table",
        "<a",
        "<style",
        "<title",
        "<b",
        "<body",
        "<br",
        "<p",
        "<!--",
    )
)
# The HTML spec looks for a <meta charset> within the first 1024 bytes; allow some slack.
_CHARSET_PRESCAN_BYTES = 4096


def looks_like_html(data: bytes) -> bool:
    """True when the bytes start like an HTML document (the WHATWG sniffing rules)."""
    head = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\n\r\f").lower()
    for prefix in _HTML_SNIFF_PREFIXES:
        if head.startswith(prefix) and head[len(prefix) : len(prefix) + 1] in (b" ", b">"):
            return True
    return False


def decode_html(body: bytes, charset: str | None = None) -> str:
    """Decode page bytes the way a browser would: BOM, then the server's charset, then
    `<meta charset>`, then UTF-8. Undecodable bytes become U+FFFD rather than an error."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    declared = _known_encoding(charset) or _known_encoding(
        _sniff_meta_charset(body[:_CHARSET_PRESCAN_BYTES])
    )
    return body.decode(declared or "utf-8", errors="replace")


def first_attributes(attrs: list[tuple[str, str | None]]) -> dict[str, str]:
    """A tag's attributes by name, as `HTMLParser` hands them over; missing values are ""."""
    # Browsers keep the first of duplicated attributes; a plain dict() would keep the last.
    values: dict[str, str] = {}
    for name, value in attrs:
        values.setdefault(name, value or "")
    return values


def _known_encoding(name: str | None) -> str | None:
    if not name:
        return None
    try:
        encoding = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    # A page cannot really be UTF-16 without a BOM when its meta tag was readable as ASCII.
    return "utf-8" if encoding.startswith("utf-16") else encoding


def _sniff_meta_charset(head: bytes) -> str | None:
    sniffer = _CharsetSniffer()
    # latin-1 maps every byte to one character, so ASCII markup survives whatever the encoding.
    sniffer.feed(head.decode("latin-1"))
    return sniffer.charset


class _CharsetSniffer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.charset: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta" or self.charset is not None:
            return
        values = first_attributes(attrs)
        if values.get("charset"):
            self.charset = values["charset"]
        elif values.get("http-equiv", "").lower() == "content-type":
            content = values.get("content", "")
            marker = content.lower().find("charset=")
            if marker != -1:
                self.charset = content[marker + len("charset=") :].split(";")[0].strip()
