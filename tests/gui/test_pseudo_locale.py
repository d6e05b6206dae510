"""No sentence in the window bypasses the translation layer.

Every sentence marked in the package is extracted (packaging/catalogs.py) and "translated"
into a pseudo-language whose every letter is changed and whose every sentence is wrapped in
⟦…⟧. A window with a scan's matches is then built in that language, every page is visited
(with the detail of a match, the report dialog and the passphrase dialogs), and every text a
person can see or hear is collected: a Latin letter left outside ⟦…⟧ is English that did not
go through the layer, unless it is data (a file name, a path, a number, a name).
"""

import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from likeness_guard import APP_NAME
from likeness_guard import locale as translation
from likeness_guard.core.domain.packs import KNOWN_PACKS
from likeness_guard.core.domain.words import ProtectionAction
from likeness_guard.core.services.takedown import platform_directory
from likeness_guard.gui.passphrase_dialog import PassphraseDialog
from likeness_guard.gui.report_dialog import ReportDialog
from likeness_guard.gui.widgets.blurred_preview import BlurredPreview
from likeness_guard.gui.widgets.face_thumbnail import FaceThumbnail
from tests.catalog_tools import PSEUDO, compile_pseudo_language
from tests.gui.conftest import ScannedWindow

_MARKUP = re.compile(r"<[^>]+>|&\w+;")
_SHORTCUT = re.compile(r"\b(?:Ctrl|Alt|Shift)\+\w+")
_FILE_NAME = re.compile(r"[\w.-]+\.(?:jpe?g|png|webp|gif|mp4|onnx|pdf|zip)\b", re.IGNORECASE)
_FORMAT = re.compile(
    r"\b(?:jpeg|png|webp|gif|heic|avif|tiff|bmp|mp4|webm|mov|mkv)\b", re.IGNORECASE
)
_FINGERPRINT = re.compile(r"\b[0-9a-f]{8,}\b")  # the start of a SHA-256
# A folder or a file on this computer, or a web address: anything with a slash in it.
_PATH = re.compile(r"[^\s/⟦⟧“”()]*(?:/+[^\s/⟦⟧“”()]+)+/?")

# Words a sentence may hold that are the same in every language: the app's name, each
# language's own name (in the Language list, where the pseudo-language is listed by its code)
# and the names of the face model packs.
NAMES = (APP_NAME, *translation.LANGUAGE_NAMES.values(), PSEUDO, *KNOWN_PACKS)


def directory_names() -> list[str]:
    """Names from resources/takedown/platforms.json that the window shows as they are (the
    hash-blocking services, e.g. StopNCII.org): data. Their sentences (who each is for, what
    it does) go through the layer (core/takedown/platform_texts.py)."""
    return [service.name for service in platform_directory().hash_blocking]


@pytest.fixture
def pseudo_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The whole package's sentences in the pseudo-language, in use until the test ends."""
    folder = tmp_path / "catalogs"
    tool = compile_pseudo_language(folder)
    monkeypatch.setattr(translation, "CATALOGS", folder)
    assert translation.use_language(PSEUDO) == PSEUDO
    yield tool
    translation.use_language(translation.ENGLISH)


def widget_texts(widget: QWidget) -> list[str]:
    """What a person sees or hears of one widget: its text, items, hints and names."""
    texts = [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()]
    if widget.isWindow():
        texts.append(widget.windowTitle())
    if isinstance(widget, QLabel | QAbstractButton):
        texts.append(widget.text())
    if isinstance(widget, QGroupBox):
        texts.append(widget.title())
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        texts.append(widget.placeholderText())
    if isinstance(widget, QComboBox):
        texts += [widget.itemText(i) for i in range(widget.count())]
    if isinstance(widget, QListWidget):
        for row in range(widget.count()):
            texts += [widget.item(row).text(), widget.item(row).toolTip()]
    if isinstance(widget, QProgressBar) and widget.isTextVisible():
        texts.append(widget.text())
    if isinstance(widget, BlurredPreview | FaceThumbnail) and not widget.has_image():
        # Painted, not a label: the sentence standing in for the picture.
        texts.append(widget._message if isinstance(widget, BlurredPreview) else widget._placeholder)
    return [text for text in texts if text.strip()]


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(widget, text) for `root` and every widget shown in it."""
    found = []
    for widget in (root, *root.findChildren(QWidget)):
        if widget is root or widget.isVisibleTo(root):
            name = f"{type(widget).__name__} {widget.objectName()!r}".strip()
            found += [(name, text) for text in widget_texts(widget)]
    return found


def english_left(text: str, data: tuple[str, ...]) -> str:
    """What of `text` is neither the pseudo-language nor data: "" when all of it is.

    The pseudo-language has no letter of the Latin alphabet (every one is changed), so any
    left once data is taken out is English: a sentence outside the layer, or one put into a
    translated sentence's placeholder (the ⟦…⟧ around it do not hide it)."""
    rest = _MARKUP.sub(" ", text.replace("⟦", " ").replace("⟧", " "))
    for value in sorted((*data, *NAMES), key=len, reverse=True):
        rest = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", rest)
    for pattern in (_SHORTCUT, _PATH, _FILE_NAME, _FORMAT, _FINGERPRINT):
        rest = pattern.sub(" ", rest)
    return " ".join(re.findall(r"\S*[A-Za-z]\S*", rest))


def untranslated(found: list[tuple[str, str]], data: tuple[str, ...]) -> list[str]:
    """Each text with English left in it, and that English."""
    return sorted(
        {
            f"{widget}: {text!r} (English: {english_left(text, data)!r})"
            for widget, text in found
            if english_left(text, data)
        }
    )


def test_the_pseudo_language_marks_every_sentence_and_spares_data(
    pseudo_language: ModuleType,
) -> None:
    """The check itself: a marked sentence passes, a bare English one is caught, and data
    (a path, a file name, a shortcut, the app's name) is not taken for English."""
    shown = translation._("Drop something above to begin.")
    assert shown == pseudo_language.pseudo("Drop something above to begin.")
    assert english_left(shown, ()) == ""
    assert english_left("Drop something above to begin.", ()) != ""
    nested = pseudo_language.pseudo("Now: {current}").format(current="/tmp/x/players.jpg")
    assert english_left(f"{nested} {APP_NAME} (Ctrl+3) 0.42 /tmp/data players.jpg", ()) == ""
    assert english_left(f"{shown} matches", ()) == "matches"
    inserted = pseudo_language.pseudo("Online: {state}").format(state="still online")
    assert english_left(inserted, ()) == "still online"  # English put into a sentence


def test_no_visible_text_in_the_window_bypasses_the_translation_layer(
    qtbot: QtBot,
    pseudo_language: ModuleType,
    scanned_window: ScannedWindow,
) -> None:
    window, scan_id = scanned_window("players", "yaoming", "gdp")
    window.resize(1200, 800)
    found = visible_texts(window)
    for key, page in window.pages.items():
        window.show_page(key)
        qtbot.wait(10)  # one turn of the event loop: the page lays itself out
        found += visible_texts(page)
    matches = window.matches_page
    window.show_page("matches")
    matches.show_detail(matches.tiles[0].item.id)
    qtbot.wait(10)
    found += visible_texts(matches)

    takedown = matches.open_takedown()
    assert takedown is not None
    found += visible_texts(takedown)
    takedown.reject()

    items = [tile.item for tile in matches.tiles]
    report = ReportDialog(scan_id, items, window, own_photos=frozenset({items[0].sha256 or ""}))
    qtbot.addWidget(report)
    report.show()
    for button in (report.picked, report.package, report.unblurred):
        button.click()  # the list becomes editable; the package and unblurred notes show
    found += visible_texts(report)
    for action in ProtectionAction:
        dialog = PassphraseDialog(action, window)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.accept()  # nothing typed: says what to correct
        assert dialog.problem.text() or action is ProtectionAction.REMOVE
        found += visible_texts(dialog)

    menu = window.case_menu  # the Case menu: its title, entries and the cases listed
    menu.fill()
    actions = [*menu.actions(), *menu.switch_menu.actions()]
    found += [("Case menu", menu.title()), ("Case menu", menu.accessibleName())]
    found += [("Case menu", action.text()) for action in actions if action.text()]

    assert len(found) > 200  # the walk reached the pages' texts
    # The person's profile and the directory's names; file names, paths, formats and
    # fingerprints are recognised as data by their shape.
    data = ("me", *directory_names())
    problems = untranslated(found, data)
    assert not problems, "\n".join(problems)
