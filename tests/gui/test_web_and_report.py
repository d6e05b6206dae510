"""The window with web addresses (pasted and dropped) and the evidence report export."""

import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from likeness_guard.core.domain.records import Verdict
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.package.verify import verify_report
from likeness_guard.gui.report_dialog import ReportDialog
from likeness_guard.gui.widgets.match_card import source_name
from likeness_guard.main import main
from tests.gui.conftest import ScannedWindow, WindowFactory, enroll, scan_by_drop
from tests.unit.sources.local_server import LocalServer

SCAN_TIMEOUT_MS = 60_000


@pytest.fixture
def site(photos: dict[str, Path]) -> Iterator[LocalServer]:
    server = LocalServer()
    server.serve("/page.html", b'<img src="a.jpg"><img src="b.jpg">', "text/html")
    server.serve("/a.jpg", photos["players"].read_bytes(), "image/jpeg")
    server.serve("/b.jpg", photos["gdp"].read_bytes(), "image/jpeg")
    yield server
    server.close()


def test_pasted_web_addresses_are_scanned(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    site: LocalServer,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    window.session.preferences.allow_private_addresses = True  # the server is on 127.0.0.1
    page = window.scan_page
    window.show_page("scan")
    page.urls_edit.setPlainText(f"  {site.url('/page.html')}\n")
    with qtbot.waitSignal(page.scan_ended, timeout=SCAN_TIMEOUT_MS):
        page.start_button.click()
    cards = window.matches_page.visible_cards()
    assert [card.item.source for card in cards] == [site.url("/a.jpg")]
    assert cards[0].item.web is not None
    assert cards[0].item.web.page_url == site.url("/page.html")


def test_a_dropped_web_address_is_refused_on_a_private_network_by_default(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    site: LocalServer,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    window = make_window(data_dir)
    scan_id = scan_by_drop(qtbot, window, [site.url("/a.jpg")])
    (item,) = window.session.store.items(scan_id)
    assert item.error == "refused: address is on a private network"
    assert site.requests_to("/a.jpg") == []
    # An honest outcome: nothing was checked, the scan failed, and the way out is named.
    said = window.scan_page.status.text()
    assert said.startswith("0 images checked: the address was refused")
    assert "Settings" in said
    assert "None of them looks like you" not in said
    assert window.scan_page.stat_labels["speed"].text() == "—"
    label = window.matches_page.scan_box.itemText(0)
    assert ", failed (" in label


def test_an_evidence_report_is_exported_from_the_matches_page(
    qtbot: QtBot, scanned_window: ScannedWindow, tmp_path: Path
) -> None:
    window, scan_id = scanned_window("players", "yaoming", "gdp")
    matches = window.matches_page
    by_name = {source_name(tile.item): tile.item for tile in matches.tiles}
    assert set(by_name) == {"players.jpg", "yaoming.jpg"}
    window.session.store.set_verdict(by_name["yaoming.jpg"].id, Verdict.NOT_ME)
    items = [window.session.store.item(i.id) for i in by_name.values()]
    dialog = ReportDialog(scan_id, [i for i in items if i is not None], matches)
    qtbot.addWidget(dialog)
    # "Not me" is never offered; "only This is me" with none confirmed leaves nothing to save.
    assert dialog.chosen_ids() == (by_name["players.jpg"].id,)
    dialog.confirmed.setChecked(True)
    assert not dialog.ok.isEnabled()
    dialog.all_matches.setChecked(True)
    dialog.name.setText("Анна Ю.")
    out = tmp_path / "evidence.pdf"
    with qtbot.waitSignal(matches.report_written, timeout=60_000) as written:
        matches.start_report(dialog.request(out))
    assert written.args[0].pdf_path == out
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Анна Ю." in text
    assert "players.jpg" in text
    manifest = json.loads(out.with_suffix(".manifest.json").read_text())
    # Only players.jpg: the scanned yaoming.jpg was marked "Not me" and is left out.
    assert [Path(item["source"]).name for item in manifest["items"]] == ["players.jpg"]
    assert "saved as" in matches.message.text()
    assert matches.open_report_button.isVisibleTo(matches)  # and where to find it
    assert matches.report_folder_button.isVisibleTo(matches)


def test_the_export_dialog_wraps_and_marks_the_users_own_photos(
    qtbot: QtBot, scanned_window: ScannedWindow
) -> None:
    window, scan_id = scanned_window("players", "yaoming")
    store = window.session.store
    own = frozenset(r.source_sha256 for r in store.references(store.profiles()[0].id))
    items = [tile.item for tile in window.matches_page.tiles]
    dialog = ReportDialog(scan_id, items, window.matches_page, own_photos=own)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.width() <= 640  # the introduction wraps instead of widening the dialog
    rows = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert any("yaoming.jpg" in r and "your own reference photos" in r for r in rows)
    chosen = dialog.chosen_ids()  # "all matches" leaves the user's own photo out
    assert [i.id for i in items if "players" in i.source] == list(chosen)


def test_an_evidence_package_is_exported_from_the_window(
    qtbot: QtBot, scanned_window: ScannedWindow, tmp_path: Path
) -> None:
    window, scan_id = scanned_window("players")
    matches = window.matches_page
    dialog = ReportDialog(scan_id, [tile.item for tile in matches.tiles], matches)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.package_note.isVisible()
    dialog.package.setChecked(True)
    assert dialog.package_note.isVisible()  # the originals in it are not blurred: said first
    assert "not blurred" in dialog.package_note.text()
    dialog.name.setText("A. N.")
    out = tmp_path / "for-the-police.zip"
    with qtbot.waitSignal(matches.report_written, timeout=60_000) as written:
        matches.start_report(dialog.request(out))
    assert written.args[0].path == out
    assert written.args[0].originals == 1
    with zipfile.ZipFile(out) as package:
        names = package.namelist()
    assert "for-the-police/originals/001-f89757e74309.jpg" in names  # the exact bytes
    assert "for-the-police/SHA256SUMS" in names
    assert verify_report(out).ok
    assert "evidence package was saved" in matches.message.text()
    assert "verify-report" in matches.message.text()


def test_all_matches_of_a_scan_are_the_same_in_the_window_and_on_the_command_line(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    # A scan whose matches include an exact copy and a re-encoded, smaller version of one
    # picture: the grid shows them as one tile, but "All matches of this scan" means all.
    enroll(data_dir, engine, photos["yaoming"])
    folder = tmp_path / "found"
    folder.mkdir()
    shutil.copy(photos["players"], folder / "players.jpg")
    shutil.copy(photos["players"], folder / "players-copy.jpg")
    with Image.open(photos["players"]) as original:
        smaller = original.convert("RGB").resize(
            (original.width * 3 // 4, original.height * 3 // 4)
        )
        smaller.save(folder / "players-smaller.jpg", quality=70)
    shutil.copy(photos["gdp"], folder / "gdp.jpg")
    window = make_window(data_dir)
    scan_id = scan_by_drop(qtbot, window, [folder])
    matches = window.matches_page
    assert len(matches.tiles) < 3  # the versions are grouped on one tile
    dialog = ReportDialog(scan_id, [tile.item for tile in matches.tiles], matches)
    qtbot.addWidget(dialog)
    assert dialog.all_matches.isChecked()  # the default
    in_window = tmp_path / "window.pdf"
    with qtbot.waitSignal(matches.report_written, timeout=60_000):
        matches.start_report(dialog.request(in_window))
    on_command_line = tmp_path / "cli.pdf"
    code = main(
        [
            "--data-dir",
            str(data_dir),
            "report",
            "--scan",
            str(scan_id),
            "--out",
            str(on_command_line),
        ]
    )
    assert code == 0

    def items(pdf: Path) -> list[tuple[str, str]]:
        manifest = json.loads(pdf.with_suffix(".manifest.json").read_text())
        return sorted((Path(i["source"]).name, i["sha256"]) for i in manifest["items"])

    assert items(in_window) == items(on_command_line)
    assert {name for name, _ in items(in_window)} == {
        "players.jpg",
        "players-copy.jpg",
        "players-smaller.jpg",
    }
