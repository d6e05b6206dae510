"""The bundle's entry point: the same `likeness-guard` command as a pip install gives."""

import sys

from likeness_guard.main import main

if __name__ == "__main__":
    sys.exit(main())
