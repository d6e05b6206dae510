"""Does every runtime dependency install from wheels alone on every platform we ship for?

Asks the package index, without installing anything, for the whole runtime dependency set
(`pip install --dry-run --only-binary=:all:`) of this project for each platform and Python
version below, and prints one line per pair. Exits 1 when any pair cannot be resolved.

pip evaluates environment markers for the machine it runs on, not for `--platform`, so the
Windows-only dependencies (pywin32) are asked for explicitly on Windows.

    .venv/bin/python packaging/check_wheels.py [--python 3.11 ...] [--platform TAG ...]
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manylinux(newest: int, arch: str) -> tuple[str, ...]:
    """pip takes --platform literally: every glibc version up to `newest` is listed."""
    return (f"manylinux2014_{arch}", *(f"manylinux_2_{v}_{arch}" for v in range(17, newest + 1)))


# Name -> the wheel tags such a machine accepts. PySide6 sets the Linux floor: its wheels
# need glibc 2.34 on x86-64 (Debian 12, Ubuntu 22.04) and 2.39 on aarch64 (Ubuntu 24.04).
PLATFORMS = {
    "Windows x86-64": ("win_amd64",),
    "macOS 14 arm64": ("macosx_14_0_arm64",),
    "macOS 13 x86-64": ("macosx_13_0_x86_64",),
    "Linux x86-64": _manylinux(34, "x86_64"),
    "Linux aarch64": _manylinux(39, "aarch64"),
}
PYTHONS = ("3.11", "3.12", "3.13")
WINDOWS_ONLY = ("pywin32>=306",)


def resolve(tags: tuple[str, ...], python: str) -> tuple[bool, str]:
    """(resolved, what pip said or how many packages would be installed)."""
    extra = list(WINDOWS_ONLY) if tags[0].startswith("win") else []
    platforms = [option for tag in tags for option in ("--platform", tag)]
    with tempfile.TemporaryDirectory() as temp:
        report = Path(temp) / "report.json"
        command = [
            sys.executable, "-m", "pip", "install", "--dry-run", "--quiet",
            "--ignore-installed", "--only-binary=:all:", *platforms,
            "--python-version", python, "--implementation", "cp",
            "--target", str(Path(temp) / "target"), "--report", str(report),
            str(ROOT), *extra,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            lines = [line for line in done.stderr.splitlines() if "ERROR" in line]
            return False, (lines or done.stderr.splitlines() or ["pip failed"])[-1]
        installs = json.loads(report.read_text())["install"]
    names = sorted(item["metadata"]["name"] for item in installs)
    return True, f"{len(names)} packages, all wheels"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", action="append", help="e.g. 3.12 (default: 3.11-3.13)")
    parser.add_argument("--platform", action="append", choices=list(PLATFORMS))
    args = parser.parse_args(argv)
    failures = 0
    for name in args.platform or list(PLATFORMS):
        for python in args.python or list(PYTHONS):
            ok, said = resolve(PLATFORMS[name], python)
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'}  {name:<16} Python {python}  {said}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
