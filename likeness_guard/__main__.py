"""Allows `python -m likeness_guard`, the same as the `likeness-guard` command."""

from likeness_guard.cli import main

raise SystemExit(main())
