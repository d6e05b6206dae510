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


def test_an_explicit_platform_or_wayland_is_left_to_qt() -> None:
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    if sys.platform.startswith("linux"):
        assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
