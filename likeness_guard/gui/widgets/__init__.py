"""Reusable widgets of the desktop window."""
