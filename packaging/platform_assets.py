"""The icon and version files that Windows and macOS bundles need, made from the app's own
PNG icons with Pillow, so the recipe needs no image tools (`iconutil`, ImageMagick) and the
same code runs, and is tested, on every platform.

    python packaging/platform_assets.py OUT_FOLDER    (writes likeness-guard.ico,
    likeness-guard.icns and file_version_info.txt)
"""

import re
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "likeness_guard" / "resources" / "icons" / "hicolor"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512)  # Pillow adds the @2x variants it can from 512


def largest_icon() -> Image.Image:
    """The biggest rendered PNG (512 px), from which every other size is scaled."""
    sizes = sorted(int(p.name.split("x")[0]) for p in ICONS.glob("*x*") if p.is_dir())
    path = ICONS / f"{sizes[-1]}x{sizes[-1]}" / "apps" / "likeness-guard.png"
    with Image.open(path) as opened:
        return opened.convert("RGBA")


def write_ico(out: Path) -> Path:
    """A multi-size Windows icon: Explorer, the taskbar and the Start menu pick their size."""
    largest_icon().save(out, format="ICO", sizes=[(s, s) for s in ICO_SIZES])
    return out


def write_icns(out: Path) -> Path:
    """A macOS icon for the .app bundle and the Dock."""
    largest_icon().save(out, format="ICNS", sizes=[(s, s) for s in ICNS_SIZES])
    return out


def version_numbers(version: str) -> tuple[int, int, int, int]:
    """ "0.1.0" -> (0, 1, 0, 0): Windows wants four numbers (text after a number is dropped)."""
    numbers = []
    for part in version.split(".")[:4]:
        leading = re.match(r"\d+", part)
        numbers.append(int(leading.group()) if leading else 0)
    padded = [*numbers, 0, 0, 0, 0][:4]
    return padded[0], padded[1], padded[2], padded[3]


def write_version_info(out: Path, version: str) -> Path:
    """The version resource PyInstaller puts into the .exe (EXE(version=...)): Explorer's
    Properties show the product, its version and that it is open source."""
    numbers = version_numbers(version)
    strings = {
        "CompanyName": "Likeness Guard contributors",
        "FileDescription": "Likeness Guard",
        "FileVersion": version,
        "InternalName": "likeness-guard",
        "LegalCopyright": "Open source; see LICENSE",
        "OriginalFilename": "likeness-guard.exe",
        "ProductName": "Likeness Guard",
        "ProductVersion": version,
    }
    entries = ",\n".join(f"          StringStruct('{k}', '{v}')" for k, v in strings.items())
    out.write_text(
        f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0,
                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
{entries}])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
""",
        encoding="utf-8",
    )
    return out


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from likeness_guard import __version__

    out = Path(argv[0] if argv else "build/assets")
    out.mkdir(parents=True, exist_ok=True)
    for path in (
        write_ico(out / "likeness-guard.ico"),
        write_icns(out / "likeness-guard.icns"),
        write_version_info(out / "file_version_info.txt", __version__),
    ):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
