"""Likeness Guard: find your face in images on your own computer and document misuse."""

from pathlib import Path

__version__ = "0.1.0"
APP_NAME = "Likeness Guard"
# Icons, the .desktop entry and fonts: package data, so pip installs and bundles carry them.
RESOURCES = Path(__file__).resolve().parent / "resources"
