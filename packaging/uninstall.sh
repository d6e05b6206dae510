#!/bin/sh
# Remove what install.sh added (menu entry, icons, command). Your data is not touched.
set -eu

HERE="$(cd "$(dirname "$0")" && pwd)"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
APPS="$DATA_HOME/applications"
ICONS="$DATA_HOME/icons/hicolor"
BIN="$HOME/.local/bin"

rm -f "$APPS/likeness-guard.desktop"
for icon in "$ICONS"/*/apps/likeness-guard.png "$ICONS"/*/apps/likeness-guard.svg; do
    [ -e "$icon" ] && rm -f "$icon"
done
# Only our own symlink: a likeness-guard installed another way (pip) is left in place.
if [ -L "$BIN/likeness-guard" ]; then
    case "$(readlink "$BIN/likeness-guard")" in
        */likeness-guard-*/likeness-guard) rm -f "$BIN/likeness-guard" ;;
    esac
fi

command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$APPS" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$ICONS" || true

echo "Removed Likeness Guard from the menu. You can now delete $HERE."
echo "Your profiles, scans and evidence are still in ${LIKENESS_GUARD_HOME:-$DATA_HOME/likeness-guard}:"
echo "delete them in the app (Settings, Delete all my data), or with: likeness-guard forget --all"
