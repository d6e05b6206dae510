"""Guards against a PySide6 build that corrupts Python's reference counts.

PySide6-Essentials 6.12.0 releases one reference to None or True too many on every
processEvents() and signal emit; on Python 3.11 the interpreter aborts after a few thousand,
in the middle of a scan. pyproject.toml excludes that version; this test fails on any other
that has the same fault. It runs in a child process because the fault kills the process.
"""

import os
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication

    app = QApplication([])

    class Emitter(QObject):
        changed = Signal(object)

    emitter = Emitter()
    emitter.changed.connect(lambda value: None)
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(2000):
        app.processEvents()
        emitter.changed.emit(1)
    after = sys.getrefcount(None), sys.getrefcount(True)
    # Other code may take a few references meanwhile; a leak of one per call loses thousands.
    assert after[0] >= before[0] - 50 and after[1] >= before[1] - 50, (before, after)
    print("ok")
    """
)


def test_signals_and_event_processing_keep_reference_counts() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
