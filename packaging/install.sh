#!/bin/sh
# Add Likeness Guard to your applications menu (for you only; no administrator rights needed).
#
# Run it from the unpacked folder, after putting the folder where it will stay: the menu entry
# points at this folder. If you move the folder later, run install.sh again.
# Undo with ./uninstall.sh (your profiles and scans are kept; see README.txt).
set -eu

HERE="$(cd "$(dirname "$0")" && pwd)"
APP="$HERE/likeness-guard"
RES="$HERE/_internal/likeness_guard/resources"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
APPS="$DATA_HOME/applications"
ICONS="$DATA_HOME/icons/hicolor"
BIN="$HOME/.local/bin"

if [ ! -x "$APP" ] || [ ! -f "$RES/likeness-guard.desktop" ]; then
    echo "install.sh: run me from the unpacked likeness-guard folder." >&2
    exit 1
fi

# The desktop-entry spec wants Exec arguments with spaces quoted, and ", `, $ and \ escaped
# inside the quotes (then % doubled): folder names may contain any of them.
exec_path="$(printf '%s' "$APP" | sed -e 's/[\\"`$]/\\&/g' -e 's/%/%%/g')"
mkdir -p "$APPS"
sed -e "s|^Exec=.*|Exec=\"$exec_path\"|" -e "s|^TryExec=.*|TryExec=$APP|" \
    "$RES/likeness-guard.desktop" > "$APPS/likeness-guard.desktop.tmp"
mv "$APPS/likeness-guard.desktop.tmp" "$APPS/likeness-guard.desktop"

for dir in "$RES"/icons/hicolor/*/apps; do
    size="$(basename "$(dirname "$dir")")"
    mkdir -p "$ICONS/$size/apps"
    cp "$dir"/likeness-guard.* "$ICONS/$size/apps/"
done

# A command for the terminal too, unless something else already owns the name.
mkdir -p "$BIN"
if [ -L "$BIN/likeness-guard" ] || [ ! -e "$BIN/likeness-guard" ]; then
    ln -sfn "$APP" "$BIN/likeness-guard"
else
    echo "Note: $BIN/likeness-guard exists and is not ours; left it alone."
fi

# Menus pick the new entry up by themselves on most desktops; these make it immediate.
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$APPS" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$ICONS" || true

echo "Likeness Guard is in your applications menu (and 'likeness-guard' in $BIN)."
case ":$PATH:" in
    *":$BIN:"*) ;;
    *) echo "($BIN is not on your PATH; the menu entry works regardless.)" ;;
esac
