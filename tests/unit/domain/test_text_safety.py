"""Names are stored as valid text and printed without hidden characters."""

import os

from likeness_guard.core.domain.text_safety import printable, storable


def test_undecodable_bytes_become_escapes_and_valid_text_is_unchanged() -> None:
    name = os.fsdecode(b"caf\xe9.jpg")  # what Python gives for a Latin-1 name on Linux
    assert storable(name) == "caf\\xe9.jpg"
    storable(name).encode("utf-8")
    assert storable("Ελένη — 张伟.jpg") == "Ελένη — 张伟.jpg"


def test_newlines_and_direction_overrides_are_shown_not_obeyed() -> None:
    assert printable("a\nMATCH  0.99  b.jpg") == "a\\nMATCH  0.99  b.jpg"
    assert printable("photo\u202egpj.exe") == "photo\\u202egpj.exe"
    assert printable("\x1b[2Jclear.png") == "\\x1b[2Jclear.png"
    assert printable("Ελένη — 张伟 مريم.jpg") == "Ελένη — 张伟 مريم.jpg"
