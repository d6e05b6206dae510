"""A real X11 window under Xvfb: catches plugin and library problems offscreen hides."""

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.gui.conftest import WindowFactory

pytestmark = pytest.mark.xvfb


@pytest.mark.skipif(
    os.environ.get("QT_QPA_PLATFORM") != "xcb" or not os.environ.get("DISPLAY"),
    reason="needs QT_QPA_PLATFORM=xcb and a DISPLAY (make gui-smoke runs it under xvfb-run)",
)
def test_main_window_opens_on_a_real_display(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    assert QGuiApplication.platformName() == "xcb"
    window = make_window(data_dir)
    qtbot.waitExposed(window, timeout=10_000)
    assert window.isVisible()
    handle = window.windowHandle()
    assert handle is not None
    # Without a window manager the first expose may be followed by a resize; wait it out.
    qtbot.waitUntil(handle.isExposed, timeout=10_000)
    assert window.grab().width() > 0
    assert "Likeness Guard" in window.windowTitle()
    for page in ("photos", "scan", "matches", "settings"):
        window.show_page(page)
        assert window.current_page() == page
