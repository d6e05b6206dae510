"""Before Qt starts: is there a screen to open a window on, with the libraries Qt needs?

Without one, Qt aborts with a message about "platform plugins" that tells a newcomer
nothing; we say what is missing and what to do instead.
"""

import ctypes.util
import os
import sys

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


def display_problem(environ: dict[str, str] | None = None) -> str | None:
    """Why no window can open here, in plain words; None when it looks possible."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None  # Windows and macOS always have a screen; an explicit platform is honoured
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return (
            "There is no screen to open the window on (no desktop session was found). "
            "Start Likeness Guard from your desktop, or use the command line: "
            "likeness-guard --help"
        )
    if env.get("WAYLAND_DISPLAY"):
        return None  # Qt uses Wayland directly; the X11 libraries below are not needed
    missing = sorted(
        package
        for library, package in XCB_LIBRARIES.items()
        if not ctypes.util.find_library(library)
    )
    if missing:
        return (
            "The window cannot open because some system libraries that Qt needs are missing. "
            f"On Debian or Ubuntu, install them with: sudo apt install {' '.join(missing)}"
        )
    return None
