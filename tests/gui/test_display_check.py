"""The window refuses to start with a clear message where Qt would abort."""

import sys

import pytest

from likeness_guard.gui.display_check import display_problem

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


@linux_only
def test_no_screen_is_explained() -> None:
    problem = display_problem({"PATH": "/usr/bin"})
    assert problem is not None
    assert "no screen" in problem
    assert "likeness-guard --help" in problem


@linux_only
def test_missing_x11_libraries_are_named_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        "ctypes.util.find_library", lambda name: None if name == "xcb-cursor" else name
    )
    problem = display_problem({"DISPLAY": ":0"})
    assert problem is not None
    assert problem.endswith("sudo apt install libxcb-cursor0")


def test_a_platform_qt_has_is_left_to_qt() -> None:
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    if sys.platform.startswith("linux"):
        assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None


def test_a_platform_qt_lacks_is_named_with_the_ones_it_has() -> None:
    problem = display_problem({"QT_QPA_PLATFORM": "cocoa-on-linux"})
    assert problem is not None
    assert "'cocoa-on-linux'" in problem
    assert "offscreen" in problem  # what it has instead
    assert "Remove QT_QPA_PLATFORM" in problem


@linux_only
def test_x11_chosen_without_a_running_x_server_is_explained(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("ctypes.util.find_library", lambda name: name)  # all libraries there
    problem = display_problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":987"})
    assert problem is not None
    assert "DISPLAY=:987" in problem
    assert "no X server" in problem
    unset = display_problem({"QT_QPA_PLATFORM": "xcb"})
    assert unset is not None
    assert "DISPLAY" in unset
