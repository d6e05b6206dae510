"""The report dialog chooses the language the report is written in (the app's by default)."""

from pathlib import Path

from pytestqt.qtbot import QtBot

from likeness_guard.core.domain.records import ScanItem
from likeness_guard.gui.report_dialog import ReportDialog
from likeness_guard.locale import ENGLISH, current_language


def test_the_report_is_written_in_the_apps_language_unless_another_is_chosen(
    qtbot: QtBot, tmp_path: Path
) -> None:
    matches: list[ScanItem] = []
    dialog = ReportDialog(1, matches)
    qtbot.addWidget(dialog)
    assert dialog.language.code() == current_language() == ENGLISH
    assert dialog.language.accessibleName()
    assert dialog.request(tmp_path / "r.pdf").language == ENGLISH
    codes = [dialog.language.itemData(i) for i in range(dialog.language.count())]
    assert ENGLISH in codes
    other = next((code for code in codes if code != ENGLISH), None)
    if other is not None:  # a catalog is installed: it can be chosen
        dialog.language.setCurrentIndex(dialog.language.findData(other))
        assert dialog.request(tmp_path / "r.pdf").language == other
