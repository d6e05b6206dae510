"""Settings: a custom threshold is kept, explained, and used by the next scan."""

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from likeness_guard.core.domain.thresholds import Preset
from likeness_guard.core.engine.face_engine import FaceEngine, available_cores
from tests.gui.conftest import WindowFactory, enroll, scan_by_drop


def test_a_custom_threshold_is_used_by_the_next_scan_and_remembered(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
    tmp_path: Path,
) -> None:
    enroll(data_dir, engine, photos["yaoming"])
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(photos["players"], folder)  # Yao Ming scores 0.62 here
    window = make_window(data_dir)
    settings = window.settings_page
    settings.custom_value.setValue(0.70)
    assert settings.custom_button.isChecked()
    assert "0.70" in settings.custom_meaning.text()
    assert "may be missed" in settings.custom_meaning.text()
    assert window.session.preferences.threshold == 0.70
    scan = window.session.store.scan(scan_by_drop(qtbot, window, [folder]))
    assert scan is not None
    assert (scan.threshold, scan.preset) == (0.70, None)
    assert window.session.store.scan_counts([scan.id])[scan.id].matches == 0
    # Choosing a preset again drops the custom value.
    settings.preset_buttons[Preset.LENIENT].setChecked(True)
    assert window.session.preferences.custom_threshold is None
    assert window.session.preferences.threshold == 0.28
    settings.custom_value.setValue(0.33)
    again = make_window(data_dir)  # a restart keeps the choice
    assert again.settings_page.custom_button.isChecked()
    assert again.settings_page.custom_value.value() == 0.33


def test_deleting_a_person_keeps_the_others(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    photos: dict[str, Path],
    engine: FaceEngine,
) -> None:
    enroll(data_dir, engine, photos["yaoming"], profile="me")
    enroll(data_dir, engine, photos["tom_hanks"], profile="friend")
    window = make_window(data_dir)
    page = window.photos_page
    page.create_profile("friend")
    asked: list[str] = []

    def say_yes(parent: object, name: str, text: str) -> bool:
        asked.append(text)
        return True

    page.confirm = say_yes
    with qtbot.waitSignal(page.deleted, timeout=30_000):
        page.delete_profile()
    assert "1 face crop with their measurements, 0 scans" in asked[0]
    assert [p.name for p in window.session.store.profiles()] == ["me"]
    assert window.session.store.count_embeddings() == 1
    assert page.profile_name == "me"
    assert [row.name for row in page.rows()] == ["yaoming.jpg"]
    page.confirm = lambda parent, name, text: False  # say no
    page.delete_profile()
    assert window.session.store.count_embeddings() == 1


@pytest.mark.skipif(available_cores() < 2, reason="with one core there is nothing to choose")
def test_the_cores_a_scan_may_use_are_chosen_in_settings_and_remembered(
    make_window: WindowFactory, data_dir: Path
) -> None:
    window = make_window(data_dir)
    choice = window.settings_page.workers_choice
    cores = available_cores()
    assert choice.count() == cores
    assert choice.currentData() is None  # every core by default
    assert str(cores) in choice.currentText()
    assert window.scan_page.scan_options().workers is None
    choice.setCurrentIndex(choice.count() - 1)  # one core
    assert window.session.preferences.scan_workers == 1
    assert window.scan_page.scan_options().workers == 1
    again = make_window(data_dir)  # a restart keeps the choice
    assert again.settings_page.workers_choice.currentData() == 1
    again.settings_page.workers_choice.setCurrentIndex(0)
    assert again.session.preferences.scan_workers is None


def test_more_cores_than_the_computer_has_falls_back_to_every_core(
    make_window: WindowFactory, data_dir: Path
) -> None:
    window = make_window(data_dir)
    window.session.preferences.scan_workers = available_cores() + 5  # chosen on a bigger one
    again = make_window(data_dir)
    assert again.settings_page.workers_choice.currentData() is None
    assert again.session.preferences.scan_workers is None
    assert again.scan_page.scan_options().workers is None
