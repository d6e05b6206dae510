"""The window's language: chosen in Settings, used at the next start, Arabic right to left."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from likeness_guard import locale as translation
from likeness_guard.core.services.folder import LaunchOptions
from likeness_guard.gui.app import _apply_language, _use_qt_words
from likeness_guard.gui.preferences import Preferences
from likeness_guard.gui.widgets.language_choice import LanguageChoice


@pytest.fixture
def arabic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "catalogs" / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = Catalog(locale="ar")
    catalog.add("Language", "اللغة")
    with (folder / "likeness_guard.mo").open("wb") as out:
        write_mo(out, catalog)
    monkeypatch.setattr(translation, "CATALOGS", tmp_path / "catalogs")
    monkeypatch.delenv("LIKENESS_GUARD_LANGUAGE", raising=False)
    yield tmp_path / "catalogs"
    translation.use_language("en")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    _use_qt_words(app)  # Qt's own words back to English for the tests that follow


def test_the_language_chosen_in_settings_is_used_at_the_next_start_right_to_left(
    qtbot: QtBot, arabic: Path, settings_file: Path
) -> None:
    preferences = Preferences(QSettings(str(settings_file), QSettings.Format.IniFormat))
    choice = LanguageChoice(preferences)
    qtbot.addWidget(choice)
    names = [choice.choice.itemText(i) for i in range(choice.choice.count())]
    assert names == ["As this computer is set", "العربية", "English"]
    choice.choice.setCurrentIndex(1)
    assert preferences.language == "ar"
    assert "next time" in choice.note.text()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    _apply_language(app, LaunchOptions(), preferences)
    assert translation.current_language() == "ar"
    assert translation._("Language") == "اللغة"
    assert app.layoutDirection() == Qt.LayoutDirection.RightToLeft
    # Qt's own words (standard buttons, file dialogs) come from the catalogs Qt ships.
    assert QApplication.translate("QPlatformTheme", "Cancel") not in ("", "Cancel")


def test_a_language_given_at_start_wins_over_the_settings(
    arabic: Path, settings_file: Path
) -> None:
    preferences = Preferences(QSettings(str(settings_file), QSettings.Format.IniFormat))
    preferences.language = "ar"
    translation.use_language("en")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    _apply_language(app, LaunchOptions(language="en"), preferences)
    assert translation.current_language() == "en"
    assert app.layoutDirection() == Qt.LayoutDirection.LeftToRight
