"""Before Qt starts: is there a screen to open a window on, with the libraries Qt needs?

Without one, Qt aborts with a message about "platform plugins" that tells a newcomer
nothing; we say what is missing and what to do instead.
"""

import ctypes.util
import importlib.util
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from likeness_guard.locale import _

# Libraries the xcb (X11) platform plugin of Qt 6 loads that minimal systems often lack.
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-shape": "libxcb-shape0",
    "xcb-image": "libxcb-image0",
    "xcb-render-util": "libxcb-render-util0",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
}


def available_platforms() -> list[str] | None:
    """The platform plugins this copy of Qt has ("xcb", "wayland", "offscreen", ...), or None
    when they cannot be listed."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms"
    if not folder.is_dir():
        return None
    names = set()
    for plugin in folder.iterdir():
        stem = plugin.name.split(".")[0]
        stem = stem[3:] if stem.startswith("lib") else stem
        if stem.startswith("q"):
            names.add(stem[1:])
    return sorted(names)


def _chosen_platform_problem(env: Mapping[str, str]) -> str | None:
    """QT_QPA_PLATFORM names a plugin: is it there, and can it open a window?"""
    chosen = env["QT_QPA_PLATFORM"].split(":")[0].split(";")[0].strip().lower()
    platforms = available_platforms()
    if platforms is not None and chosen not in platforms:
        return _(
            "The window cannot open: QT_QPA_PLATFORM asks for Qt's '{chosen}' platform, which "
            "this copy of Likeness Guard does not have (it has: {platforms}). "
            "Remove QT_QPA_PLATFORM from your environment, or set it to one of those."
        ).format(chosen=chosen, platforms=", ".join(platforms))
    if chosen == "xcb" and sys.platform.startswith("linux"):
        if not env.get("DISPLAY"):
            return _(
                "The window cannot open: QT_QPA_PLATFORM=xcb needs an X11 screen, and DISPLAY "
                "is not set. Start Likeness Guard from your desktop, or use the command line: "
                "likeness-guard --help"
            )
        return _x11_problem(env)
    if chosen.startswith("wayland") and not env.get("WAYLAND_DISPLAY"):
        return _(
            "The window cannot open: QT_QPA_PLATFORM asks for Wayland, and no Wayland "
            "session was found (WAYLAND_DISPLAY is not set). Remove QT_QPA_PLATFORM, or start "
            "Likeness Guard from your desktop."
        )
    return None


def display_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """Why no window can open here, in plain words; None when it looks possible."""
    env = os.environ if environ is None else environ
    if env.get("QT_QPA_PLATFORM"):
        return _chosen_platform_problem(env)
    if not sys.platform.startswith("linux"):
        return None  # Windows and macOS always have a screen
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return _(
            "There is no screen to open the window on (no desktop session was found). "
            "Start Likeness Guard from your desktop, or use the command line: "
            "likeness-guard --help"
        )
    if env.get("WAYLAND_DISPLAY"):
        return None  # Qt uses Wayland directly; the X11 libraries below are not needed
    return _x11_problem(env)


def _x11_problem(env: Mapping[str, str]) -> str | None:
    """Missing X11 libraries, or a local DISPLAY with no X server: Qt would abort on both."""
    missing = sorted(
        package
        for library, package in XCB_LIBRARIES.items()
        if not ctypes.util.find_library(library)
    )
    if missing:
        return _(
            "The window cannot open because some system libraries that Qt needs are missing. "
            "On Debian or Ubuntu, install them with: sudo apt install {packages}"
        ).format(packages=" ".join(missing))
    display = env.get("DISPLAY", "")
    number = display[1:].split(".")[0] if display.startswith(":") else ""
    if number.isdigit() and not Path(f"/tmp/.X11-unix/X{number}").exists():
        return _(
            "No screen answers at DISPLAY={display} (no X server is running there). "
            "Start Likeness Guard from your desktop, or use the command line: "
            "likeness-guard --help"
        ).format(display=display)
    return None
