"""The bundle's entry point: the same `likeness-guard` command as a pip install gives."""

import multiprocessing
import sys

from likeness_guard.main import main

if __name__ == "__main__":
    # A scan's analysis workers are this executable started again: let them become workers.
    multiprocessing.freeze_support()
    sys.exit(main())
