"""Allows `python -m likeness_guard`, the same as the `likeness-guard` command."""

from likeness_guard.main import main

raise SystemExit(main())
