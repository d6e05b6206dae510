"""The window's takedown tools: re-check, notices, and noting where an image was reported."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from likeness_guard import locale as translation
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.gui.main_window import MainWindow
from tests.gui.conftest import WindowFactory, enroll
from tests.unit.locale.test_translation_layer import write_catalog
from tests.unit.sources.local_server import LocalServer

TIMEOUT_MS = 60_000


@pytest.fixture
def site(photos: dict[str, Path]) -> Iterator[LocalServer]:
    server = LocalServer()
    server.serve("/page.html", b'<img src="me.jpg"><img src="other.jpg">', "text/html")
    server.serve("/me.jpg", photos["players"].read_bytes(), "image/jpeg")
    server.serve("/other.jpg", photos["gdp"].read_bytes(), "image/jpeg")
    yield server
    server.close()


def _scanned_window(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path, site: LocalServer
) -> MainWindow:
    window = make_window(data_dir)
    window.session.preferences.allow_private_addresses = True  # the server is on 127.0.0.1
    window.show_page("scan")
    window.scan_page.urls_edit.setPlainText(site.url("/page.html"))
    with qtbot.waitSignal(window.scan_page.scan_ended, timeout=TIMEOUT_MS):
        window.scan_page.start_button.click()
    return window


def test_check_again_and_write_notices_from_the_window(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    site: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    german = Catalog(locale="de")  # a language for the recipients; the window stays English
    german.add("CONTENT TO REMOVE", "ZU ENTFERNENDE INHALTE")
    write_catalog(tmp_path / "catalogs", "de", german)
    monkeypatch.setattr(translation, "CATALOGS", tmp_path / "catalogs")
    enroll(data_dir, engine, photos["yaoming"])
    window = _scanned_window(qtbot, make_window, data_dir, site)
    dialog = window.matches_page.open_takedown()
    assert dialog is not None
    assert dialog.addresses.count() == 1  # only the match, not the other person's photo
    assert "not checked again yet" in dialog.addresses.item(0).text()
    site.serve("/me.jpg", b"", "text/plain", status=410)
    with qtbot.waitSignal(dialog.recheck_done, timeout=TIMEOUT_MS) as done:
        dialog.check_button.click()
    [result] = done.args[0]
    assert result.url == site.url("/me.jpg")
    assert "removed" in dialog.addresses.item(0).text()
    assert "1 gone" in dialog.status.text()
    # The check's worker ends just after its result arrives; the buttons come back then.
    qtbot.waitUntil(dialog.write_button.isEnabled, timeout=TIMEOUT_MS)

    dialog.write_notices(tmp_path / "notices.pdf")  # no name yet: refused, nothing written
    assert "Enter your name" in dialog.status.text()
    dialog.name_edit.setText("Ana Example")
    dialog.email_edit.setText("ana@example.org")
    # Not confirmed yet: left out by default, so there is nothing to write, and it says why.
    with qtbot.waitSignal(dialog.failed, timeout=TIMEOUT_MS) as refused:
        dialog.write_notices(tmp_path / "notices.pdf")
    assert "not confirmed" in refused.args[0]
    qtbot.waitUntil(dialog.write_button.isEnabled, timeout=TIMEOUT_MS)
    dialog.include_unreviewed.setChecked(True)
    assert dialog.intimate.count() == 1  # the person ticks what is intimate, item by item
    assert dialog.intimate.accessibleName()
    # The site's own rules by default: the laws that concern intimate images need it said.
    assert dialog.jurisdiction.currentData() == "other"
    with qtbot.waitSignal(dialog.notices_written, timeout=TIMEOUT_MS):
        dialog.write_notices(tmp_path / "notices.pdf")
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "notices.pdf").pages)
    assert site.url("/me.jpg") in text
    assert "Ana Example" in text
    assert "Not yet confirmed one by one" in text
    assert "intimate" not in text.split("Hash-blocking")[0].lower()  # not ticked: not said
    assert "originals/" in dialog.hashing_steps.text()  # which files to select, uploads none
    assert dialog.open_button.isVisibleTo(dialog)
    assert "CONTENT TO REMOVE" in text  # English for the recipient by default
    assert dialog.recipient_language.code() == "en"
    assert dialog.recipient_language.accessibleName()
    dialog.recipient_language.setCurrentIndex(dialog.recipient_language.findData("de"))
    qtbot.waitUntil(dialog.write_button.isEnabled, timeout=TIMEOUT_MS)  # the last write ended
    with qtbot.waitSignal(dialog.notices_written, timeout=TIMEOUT_MS):
        dialog.write_notices(tmp_path / "notices-de.pdf")
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "notices-de.pdf").pages)
    assert "ZU ENTFERNENDE INHALTE" in text
    assert "CONTENT TO REMOVE" not in text
    assert "Saved 1 notice" in dialog.status.text()  # the window still speaks English
    dialog.close()


def test_a_web_match_shows_whether_it_was_reported(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    site: LocalServer,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    window = _scanned_window(qtbot, make_window, data_dir, site)
    page = window.matches_page
    [card] = page.visible_cards()
    page.show_detail(card.item.id)
    status = page.detail.takedown
    assert status.isVisibleTo(page.detail)
    assert status.report_button.isVisibleTo(page.detail)
    assert "not checked again yet" in status.text()
    assert "hosting provider" in status.text()  # 127.0.0.1 is no known platform
    with qtbot.waitSignal(status.reported):
        status.record("the site's contact form")
    assert "Reported to the site&#x27;s contact form on" in status.text()
    assert "Removal due" not in status.text()  # no US platform: no fixed deadline
    assert not status.overdue
