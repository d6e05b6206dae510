"""Render the app icon (resources/icons/likeness-guard.svg) into hicolor PNGs; run after edits."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "likeness_guard" / "resources" / "icons" / "likeness-guard.svg"
HICOLOR = ROOT / "likeness_guard" / "resources" / "icons" / "hicolor"
# The sizes freedesktop menus, docks and file managers ask the hicolor theme for.
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path = SVG, target: Path = HICOLOR) -> list[Path]:
    """Write one PNG per size (and the SVG as "scalable"); return the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen needed to paint
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        out = target / f"{size}x{size}" / "apps" / "likeness-guard.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(out), b"PNG"):
            raise SystemExit(f"could not write {out}")
        written.append(out)
    scalable = target / "scalable" / "apps" / "likeness-guard.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(svg.read_bytes())
    written.append(scalable)
    del app
    return written


if __name__ == "__main__":
    for path in render():
        print(path.relative_to(ROOT))
