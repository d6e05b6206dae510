"""Build the one-folder bundle for the platform this runs on, wrap it as people install it,
and run the bundle's own self-test.

- Linux: packaging/build.sh (the .tar.gz with install.sh), as `make package` does.
- Windows: PyInstaller, then an Inno Setup installer when ISCC.exe is found.
- macOS: PyInstaller (a .app), then a compressed .dmg with hdiutil.

    python packaging/build_bundle.py [--no-installer]

The Python that runs it must have the app installed (`pip install .`); PyInstaller is
installed into it at the version build.sh pins. Used by .github/workflows/bundles.yml; only
the Linux branch can run on the project's own machine.
"""

import argparse
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
ASSETS = ROOT / "build" / "assets"


def pinned_pyinstaller() -> str:
    """The PyInstaller version build.sh pins, so every platform builds with the same one."""
    for line in (ROOT / "packaging" / "build.sh").read_text().splitlines():
        if line.startswith("PYINSTALLER_VERSION="):
            return line.split("=", 1)[1].strip().strip('"')
    raise SystemExit("packaging/build.sh pins no PyInstaller version")


def app_version() -> str:
    sys.path.insert(0, str(ROOT))
    from likeness_guard import __version__

    return __version__


def run(command: list[str], **env: str) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, env={**os.environ, **env})


def pyinstaller() -> None:
    try:
        current: str | None = metadata.version("pyinstaller")
    except metadata.PackageNotFoundError:
        current = None
    if current != pinned_pyinstaller():
        run([sys.executable, "-m", "pip", "install", f"pyinstaller=={pinned_pyinstaller()}"])
    spec = ROOT / "packaging" / "likeness-guard.spec"
    run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(WORK), str(spec)],
        LIKENESS_GUARD_ASSETS=str(ASSETS),
    )  # fmt: skip


def windows_installer(bundle: Path, version: str) -> Path | None:
    iscc = shutil.which("ISCC") or shutil.which("iscc")
    default = Path(os.environ.get("PROGRAMFILES(X86)", "C:/Program Files (x86)"))
    candidate = default / "Inno Setup 6" / "ISCC.exe"
    iscc = iscc or (str(candidate) if candidate.is_file() else None)
    if iscc is None:
        print("Inno Setup (ISCC.exe) not found: the folder is built, the installer is not.")
        return None
    script = ROOT / "packaging" / "windows" / "likeness-guard.iss"
    run([iscc, f"/DAppVersion={version}", f"/DBundleDir={bundle}", f"/DOutputDir={DIST}",
         f"/DIconFile={ASSETS / 'likeness-guard.ico'}",
         str(script)])  # fmt: skip
    return DIST / f"likeness-guard-{version}-windows-x64-setup.exe"


def macos_dmg(version: str) -> Path:
    app = DIST / "Likeness Guard.app"
    arch = os.uname().machine
    dmg = DIST / f"likeness-guard-{version}-macos-{arch}.dmg"
    dmg.unlink(missing_ok=True)
    run(["hdiutil", "create", "-volname", "Likeness Guard", "-srcfolder", str(app),
         "-ov", "-format", "UDZO", str(dmg)])  # fmt: skip
    return dmg


def self_test(executable: Path) -> None:
    """The bundle checks itself: models, detection and the window, offscreen."""
    run([str(executable), "--self-test"], QT_QPA_PLATFORM="offscreen")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-installer", action="store_true", help="the folder only")
    args = parser.parse_args(argv)
    version = app_version()
    if sys.platform.startswith("linux"):
        run(["bash", str(ROOT / "packaging" / "build.sh")], PYTHON=sys.executable)
        self_test(DIST / f"likeness-guard-{version}" / "likeness-guard")
        return 0
    pyinstaller()
    bundle = DIST / f"likeness-guard-{version}"
    if sys.platform == "win32":
        self_test(bundle / "likeness-guard.exe")
        if not args.no_installer:
            windows_installer(bundle, version)
    elif sys.platform == "darwin":
        self_test(DIST / "Likeness Guard.app" / "Contents" / "MacOS" / "likeness-guard")
        if not args.no_installer:
            print(macos_dmg(version))
    else:
        raise SystemExit(f"no bundle recipe for {sys.platform}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
