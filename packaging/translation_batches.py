"""Batches for translators: the sentences a catalog still lacks, out as JSON; translations
back in, checked before they are written; each language's glossary held to.

    python packaging/translation_batches.py init LANG             # a new, empty catalog
    python packaging/translation_batches.py todo LANG OUT.json    # what LANG still lacks
    python packaging/translation_batches.py fill LANG IN.json     # write checked translations
    python packaging/translation_batches.py glossary LANG         # sentences that break it

A batch entry is {"id": "...", "context": null, "comments": [...], "where": [files], "forms": N}
for a sentence
and {"id": ["singular", "plural"], ...} for one with a count; the answer adds "str": a string,
or a list of exactly N plural forms (N comes from the language: Arabic has six, Korean one).
A translation must keep every placeholder ({count}, %(prog)s) and every markup tag of the
English; one that does not is refused with the reason, and the catalog keeps the rest.

The glossary (locale/LANG/glossary.tsv: English term, translation, other accepted forms
separated by "|", and "yes" where every sentence using the term must use the translation)
keeps the words a frightened person must recognise the same on every page.
"""

import csv
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message

sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalogs  # a script beside this one, not a package

MACHINE_MADE = (
    "Machine translation, reviewed for consistency against glossary.tsv but not yet by a\n"
    "native speaker. Corrections are welcome: edit this file and run `make catalogs`."
)
_KEPT = re.compile(r"\{[^{}]*\}|%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|%[sd]|</?[a-zA-Z][^>]*>")


def catalog_path(language: str) -> Path:
    return catalogs.LOCALE / language / "LC_MESSAGES" / f"{catalogs.DOMAIN}.po"


def init(language: str) -> Path:
    """A catalog for `language` with every sentence of the template, none translated."""
    path = catalog_path(language)
    if path.exists():
        raise SystemExit(f"{path} exists already")
    catalog = Catalog(locale=language, domain=catalogs.DOMAIN, project="Likeness Guard",
                      header_comment=f"# {language}: Likeness Guard.\n# " +
                      MACHINE_MADE.replace("\n", "\n# "))  # fmt: skip
    catalog.update(catalogs.read(catalogs.TEMPLATE))
    catalog.fuzzy = False  # a fuzzy header is left out of the .mo, and its plural rule with it
    path.parent.mkdir(parents=True, exist_ok=True)
    catalogs.write(path, catalog)
    return path


def todo(language: str) -> list[dict[str, object]]:
    catalog = catalogs.read(catalog_path(language))
    batch: list[dict[str, object]] = []
    for message in catalog:
        if not message.id or str(message.id) not in _missing_ids(catalog):
            continue
        batch.append({
            "id": list(message.id) if isinstance(message.id, tuple | list) else message.id,
            "context": message.context,
            "comments": list(message.auto_comments),
            "where": sorted({file for file, _line in message.locations}),
            "forms": catalog.num_plurals if isinstance(message.id, tuple | list) else 1,
            # A guess from a sentence that changed (marked fuzzy): a start, not an answer.
            "earlier": message.string if message.fuzzy and message.string else None,
        })  # fmt: skip
    return batch


def _missing_ids(catalog: Catalog) -> set[str]:
    return set(catalogs.missing(catalog))


@dataclass(frozen=True)
class Refusal:
    english: str
    reason: str


def problem(message: Message, answer: object, forms: int) -> str | None:
    """Why `answer` cannot stand for `message` (None when it can)."""
    english = list(message.id) if isinstance(message.id, tuple | list) else [message.id]
    answers = answer if isinstance(answer, list) else [answer]
    if not all(isinstance(a, str) and a.strip() for a in answers):
        return "empty or not text"
    if isinstance(message.id, tuple | list) and len(answers) != forms:
        return f"needs {forms} plural forms, got {len(answers)}"
    if not isinstance(message.id, tuple | list) and isinstance(answer, list):
        return "one sentence, not plural forms"
    wanted = sorted(_KEPT.findall(english[-1]))
    for text in answers:
        found = sorted(_KEPT.findall(str(text)))
        # One plural form may say "one" where English says {count}: languages do.
        if found != wanted and sorted(set(found) | {"{count}"}) != sorted(set(wanted)):
            return f"placeholders or markup differ: {wanted} in English, {found} here"
    return None


def fill(language: str, answers: list[dict[str, object]]) -> list[Refusal]:
    """Write every acceptable answer into the catalog; return the refused ones."""
    path = catalog_path(language)
    catalog = catalogs.read(path)
    refused = []
    for entry in answers:
        raw_id, raw_context = entry["id"], entry.get("context")
        key = str(raw_id[0]) if isinstance(raw_id, list) else str(raw_id)
        context = str(raw_context) if raw_context else None
        message = catalog.get(key, context=context)
        if message is None:
            refused.append(Refusal(str(key), "not in the catalog (run make catalogs first)"))
            continue
        reason = problem(message, entry.get("str"), catalog.num_plurals)
        if reason:
            refused.append(Refusal(str(key), reason))
            continue
        text = entry["str"]
        message.string = tuple(text) if isinstance(text, list) else str(text)
        message.flags.discard("fuzzy")
    catalogs.write(path, catalog)
    return refused


@dataclass(frozen=True)
class Term:
    english: str
    translation: str
    forms: tuple[str, ...]
    required: bool

    def used_in(self, english: str) -> bool:
        pattern = r"\b" + re.escape(self.english) + r"(e?s)?\b"
        return re.search(pattern, english, flags=re.IGNORECASE) is not None

    def kept_in(self, translated: str) -> bool:
        folded = translated.casefold()
        return any(form.casefold() in folded for form in (self.translation, *self.forms))


def glossary(language: str) -> list[Term]:
    path = catalogs.LOCALE / language / "glossary.tsv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as stream:
        rows = [row for row in csv.reader(stream, delimiter="\t") if row and row[0] != "english"]
    return [
        Term(row[0], row[1], tuple(f for f in row[2].split("|") if f), row[3].strip() == "yes")
        for row in rows
    ]


def glossary_breaks(language: str) -> list[str]:
    """Sentences that use a required term in English but not its translation."""
    catalog = catalogs.read(catalog_path(language))
    breaks = []
    for term in (t for t in glossary(language) if t.required):
        for message in catalog:
            if not message.id or not message.string:
                continue
            plural = isinstance(message.id, tuple | list)
            english = " ".join(message.id) if plural else str(message.id)
            strings = list(message.string) if plural else [str(message.string)]
            if term.used_in(english) and not all(term.kept_in(s) for s in strings):
                breaks.append(f"{term.english} -> {term.translation}: {english!r}")
    return breaks


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    command, language = argv[0], argv[1]
    if command == "init":
        print(init(language))
    elif command == "todo":
        batch = todo(language)
        Path(argv[2]).write_text(json.dumps(batch, ensure_ascii=False, indent=1), "utf-8")
        print(f"{len(batch)} sentences to translate -> {argv[2]}")
    elif command == "fill":
        refused = fill(language, json.loads(Path(argv[2]).read_text("utf-8")))
        for refusal in refused:
            print(f"REFUSED {refusal.english!r}: {refusal.reason}")
        print(f"{len(refused)} refused; {len(todo(language))} still to translate")
        return 1 if refused else 0
    elif command == "glossary":
        breaks = glossary_breaks(language)
        print("\n".join(breaks) or f"{language}: every sentence keeps the glossary")
        return 1 if breaks else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
