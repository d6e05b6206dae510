"""The window at start, when someone changed the protection settings (issue 31): it says what
happened and what to do, instead of asking for the passphrase again and again."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from likeness_guard.core.storage import protection
from likeness_guard.core.storage.layout import PROTECTION_COPY_NAME, PROTECTION_NAME
from likeness_guard.core.storage.store import Store
from likeness_guard.gui.unlock_dialog import unlock_at_start

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    data = tmp_path / "data"
    Store.open(data).close()
    protection.protect(data, PASSPHRASE)
    protection.forget_keys()
    yield data
    protection.forget_keys()


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The message boxes the window shows (kind, text), and the passphrase typed each time."""
    boxes: list[tuple[str, str]] = []
    for kind in ("critical", "warning"):
        monkeypatch.setattr(
            QMessageBox,
            kind,
            staticmethod(lambda parent, title, text, kind=kind: boxes.append((kind, text))),
        )
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *args: (PASSPHRASE, True)))
    return boxes


def test_settings_changed_beyond_repair_are_explained_once(
    qtbot: object, folder: Path, shown: list[tuple[str, str]]
) -> None:
    for name in (PROTECTION_NAME, PROTECTION_COPY_NAME):
        (folder / name).write_text('{"kdf": "argon2id"}')
    assert not unlock_at_start(folder)  # one answer, not a loop of "wrong passphrase"
    [(kind, text)] = shown
    assert kind == "critical"
    assert "were changed or damaged" in text
    assert "not touched" in text


def test_one_changed_file_is_put_back_and_the_person_warned(
    qtbot: object, folder: Path, shown: list[tuple[str, str]]
) -> None:
    (folder / PROTECTION_NAME).unlink()
    assert unlock_at_start(folder)
    [(kind, text)] = shown
    assert kind == "warning"
    assert "put back" in text
    assert (folder / PROTECTION_NAME).read_bytes() == (folder / PROTECTION_COPY_NAME).read_bytes()
