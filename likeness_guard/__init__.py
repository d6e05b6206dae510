"""Likeness Guard: find your face in images on your own computer and document misuse."""

__version__ = "0.1.0"
APP_NAME = "Likeness Guard"
