#!/usr/bin/env bash
# Build the Linux bundle: dist/likeness-guard-VERSION/ and dist/likeness-guard-VERSION-linux-ARCH.tar.gz.
#
# Usage: packaging/build.sh            (uses $PYTHON, default .venv/bin/python, from `make`)
#        LIKENESS_GUARD_LEAN=0 packaging/build.sh   (no exclusions, to measure what they save)
# The Python that runs it must have the app's dependencies installed (`make` does that);
# PyInstaller is installed into it if missing, at the version pinned below.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
PYINSTALLER_VERSION="6.22.3"
DIST="$ROOT/dist"
WORK="$ROOT/build/pyinstaller"

VERSION="$("$PYTHON" -c 'import likeness_guard; print(likeness_guard.__version__)')"
ARCH="$(uname -m)"
NAME="likeness-guard-$VERSION"
TARBALL="$DIST/$NAME-linux-$ARCH.tar.gz"

if ! "$PYTHON" -c "import PyInstaller, sys; sys.exit(PyInstaller.__version__ != '$PYINSTALLER_VERSION')" 2>/dev/null; then
    "$PYTHON" -m pip install --quiet "pyinstaller==$PYINSTALLER_VERSION"
fi

echo "Building $NAME for linux-$ARCH with $("$PYTHON" --version)..."
start=$(date +%s)
# Low priority: the build takes a couple of minutes of both cores, and the machine is shared.
nice -n 15 "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" packaging/likeness-guard.spec

BUNDLE="$DIST/$NAME"
install -m 0755 packaging/install.sh packaging/uninstall.sh "$BUNDLE/"
install -m 0644 LICENSE "$BUNDLE/LICENSE"
install -m 0644 packaging/BUNDLE-README.txt "$BUNDLE/README.txt"

# Every shared library must resolve inside the bundle or to a system library the README's
# apt line installs; a "not found" other than those means an exclusion went too far.
missing="$(cd "$BUNDLE/_internal" && find . -name '*.so*' -type f -print0 \
    | LD_LIBRARY_PATH="$PWD" xargs -0 -n 50 ldd 2>/dev/null \
    | awk '/not found/ {print $1}' | sort -u \
    | grep -v -E '^lib(GL|EGL|OpenGL|GLX|gtk-3|gdk-3|xcb-cursor|vulkan|wayland-egl|wayland-cursor)\.so' || true)"
if [ -n "$missing" ]; then
    echo "warning: libraries not found inside the bundle nor on this system:" >&2
    echo "$missing" >&2
fi

tar -C "$DIST" -czf "$TARBALL" "$NAME"
end=$(date +%s)
echo "Built in $((end - start)) s: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1)), $TARBALL ($(du -h "$TARBALL" | cut -f1))"
