"""The translation catalogs of likeness_guard/locale: extract, update, compile, pseudo.

    python packaging/catalogs.py extract    # every marked sentence -> locale/likeness_guard.pot
    python packaging/catalogs.py update     # merge the template into each language's .po
    python packaging/catalogs.py compile    # each .po -> the .mo the app reads
    python packaging/catalogs.py check      # fails when a .mo differs from its compiled .po,
                                            # or a catalog is not complete

Sentences are marked with `_()`, `ngettext()`, `pgettext()`, `npgettext()` and `N_()`
(likeness_guard.locale).
A pseudo-locale (`pseudo_catalog`) turns every sentence into visibly different text of the
same meaning, so a test can find sentences that bypass the layer.
"""

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "likeness_guard"
LOCALE = PACKAGE / "locale"
DOMAIN = "likeness_guard"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}


def extract(folder: Path = PACKAGE) -> Catalog:
    """Every sentence marked in the package, with where it is used."""
    template = Catalog(project="Likeness Guard", domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        folder, keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        template.add(message, locations=[(f"{folder.name}/{filename}", lineno)],
                     auto_comments=comments, context=context)  # fmt: skip
    return template


def po_files() -> Iterator[Path]:
    yield from sorted(LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read(path: Path) -> Catalog:
    with path.open("rb") as stream:
        return read_po(stream)


def write(path: Path, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True)
    path.write_bytes(buffer.getvalue())


def compile_catalog(catalog: Catalog, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(compiled(catalog))


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def is_compiled(po: Path) -> bool:
    """Whether the .mo beside `po` holds what compiling `po` gives now (by content: a fresh
    checkout's file times say nothing)."""
    mo = po.with_suffix(".mo")
    return mo.is_file() and mo.read_bytes() == compiled(read(po))


def missing(catalog: Catalog) -> list[str]:
    """Sentences of `catalog` without a (non-fuzzy) translation, in every plural form."""
    absent = []
    for message in catalog:
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.id and (message.fuzzy or not all(forms)):
            absent.append(str(message.id))
    return absent


# Placeholders a translation keeps: {name}, %(name)s and argparse's %(default).0f, %s, markup.
_PLACEHOLDER = re.compile(r"(\{[^{}]*\}|%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|%[sd]|<[^>]+>|&\w+;)")
_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķĺɱñöþǫŕšŧûṽŵẋýžÀßÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŦÛṼŴẊÝŽ",
)


def pseudo(text: str) -> str:
    """ "Scan {count} files" -> "⟦Ŝçàñ {count} ƒîĺéš⟧": placeholders and markup kept."""
    parts = _PLACEHOLDER.split(text)
    shown = "".join(p if _PLACEHOLDER.fullmatch(p) else p.translate(_ACCENTED) for p in parts)
    return f"⟦{shown}⟧"


def pseudo_catalog(template: Catalog, locale: str = "en") -> Catalog:
    """Every sentence of `template` in the pseudo-language (plural forms as English's)."""
    catalog = Catalog(locale=locale, domain=DOMAIN)
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            string: str | tuple[str, ...] = tuple(pseudo(form) for form in message.id)
        else:
            string = pseudo(message.id)
        catalog.add(message.id, string, context=message.context)
    return catalog


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "extract":
        write(TEMPLATE, extract())
        print(TEMPLATE)
    elif command == "update":
        template = read(TEMPLATE)
        for path in po_files():
            catalog = read(path)
            catalog.update(template)
            write(path, catalog)
            print(path, f"{len(missing(catalog))} to translate")
    elif command == "compile":
        for path in po_files():
            compile_catalog(read(path), path.with_suffix(".mo"))
            print(path.with_suffix(".mo"))
    elif command == "check":
        problems = [
            f"{path}: {len(missing(read(path)))} sentences not translated"
            for path in po_files()
            if missing(read(path))
        ]
        problems += [
            f"{path}: compile it again (make catalogs)"
            for path in po_files()
            if not is_compiled(path)
        ]
        print("\n".join(problems) or "catalogs complete and compiled")
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
