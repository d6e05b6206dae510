"""The desktop window: a thin PySide6 layer over `likeness_guard.core`."""
