"""Names from the file system and the web made safe to store and to show.

A file name is bytes on Linux: it may not be valid UTF-8 (Python hands it over with lone
surrogates, which SQLite and JSON refuse), and it may hold a newline or a right-to-left
override that makes a terminal line or a window label say something else. `storable`
keeps a name reversible enough to find the file again while being valid text; `printable`
makes a name safe to print on one line, showing every hidden character as an escape.
"""

import unicodedata
from typing import Any

# Characters that reorder or hide text around them (Unicode bidirectional controls).
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def storable(text: str) -> str:
    """`text` as valid UTF-8 text: undecodable bytes (lone surrogates) become `\\xNN`.

    Valid text is returned unchanged, so the same name always gives the same result.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
        return raw.decode("utf-8", "backslashreplace")
    return text


def storable_json(value: Any) -> Any:
    """A JSON-ready value with every string in it (keys too) made `storable`: the edge
    where documents become JSON, PDF or WARC text, which refuse lone surrogates."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable_json(key): storable_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable_json(item) for item in value]
    return value


def printable(text: str) -> str:
    """`text` safe to show on one line: control and direction characters become escapes.

    Tabs, newlines, carriage returns, escape sequences, right-to-left overrides and other
    invisible format characters are shown as `\\n`, `\\u202e` and so on; letters of every
    script are kept as they are.
    """
    text = storable(text)
    out: list[str] = []
    for char in text:
        if char in _BIDI_CONTROLS or _hidden(char):
            out.append(_escape(char))
        else:
            out.append(char)
    return "".join(out)


def _hidden(char: str) -> bool:
    category = unicodedata.category(char)
    # Cc: control characters (newline, escape); Cf: invisible format characters;
    # Zl/Zp: line and paragraph separators, which also break a line.
    return category in ("Cc", "Zl", "Zp") or (category == "Cf" and char != "\u200d")


def _escape(char: str) -> str:
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if char in named:
        return named[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
