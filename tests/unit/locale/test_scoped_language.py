"""A language for one piece of writing (`in_language`), in one thread only; legal sentences
translated only where the translation was checked."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from likeness_guard import locale as translation
from likeness_guard.locale import LegalText, _, in_language, legal, ngettext, npgettext, pgettext
from tests.unit.locale.test_translation_layer import write_catalog

LEGAL = "I state in good faith that this notice is accurate."
LEGAL_DE = "Ich erkläre nach Treu und Glauben, dass diese Meldung zutrifft."


@pytest.fixture
def catalogs(tmp_path: Path) -> Iterator[Path]:
    german = Catalog(locale="de")
    german.add("Scan finished.", "Suche beendet.")
    german.add(("{count} match", "{count} matches"), ("{count} Treffer", "{count} Treffer"))
    german.add(LEGAL, LEGAL_DE, context="legal")
    german.add(
        ("Item {n} is mine.", "Items {n} are mine."), ("Nr. {n}", "Nrn. {n}"), context="legal"
    )
    french = Catalog(locale="fr")
    french.add("Scan finished.", "Analyse terminée.")
    french.add(LEGAL, "Je déclare de bonne foi que cet avis est exact.", context="legal")
    for language, catalog in (("de", german), ("fr", french)):
        write_catalog(tmp_path, language, catalog)
    yield tmp_path
    translation.use_language("en")


def test_a_block_speaks_another_language_and_the_process_keeps_its_own(catalogs: Path) -> None:
    translation.use_language("fr", catalogs)
    with in_language("de") as chosen:
        assert chosen == "de"
        assert translation.current_language() == "de"
        assert _("Scan finished.") == "Suche beendet."
        assert ngettext("{count} match", "{count} matches", 2) == "{count} Treffer"
        with in_language("en"):
            assert _("Scan finished.") == "Scan finished."
        assert _("Scan finished.") == "Suche beendet."
    assert _("Scan finished.") == "Analyse terminée."
    assert translation.current_language() == "fr"
    with in_language("ko") as missing:  # no catalog: English
        assert missing == "en"
        assert _("Scan finished.") == "Scan finished."
    with in_language(None) as same:
        assert same == "fr"


def test_the_block_changes_only_its_own_thread(catalogs: Path) -> None:
    translation.use_language("fr", catalogs)
    inside, other = threading.Event(), threading.Event()
    seen: list[str] = []

    def window() -> None:
        inside.wait()
        seen.append(_("Scan finished."))
        other.set()

    thread = threading.Thread(target=window)
    thread.start()
    with in_language("de"):
        inside.set()
        other.wait()
        seen.append(_("Scan finished."))
    thread.join()
    assert seen == ["Analyse terminée.", "Suche beendet."]


def test_an_unchecked_legal_translation_stays_english(catalogs: Path) -> None:
    translation.use_language("en", catalogs)
    with in_language("de"):
        assert pgettext("legal", LEGAL) == LEGAL_DE  # the catalog has it...
        unchecked = legal(lambda: pgettext("legal", LEGAL))  # ...but no one checked it
        assert unchecked == LegalText(LEGAL_DE, LEGAL, checked=False)
        assert unchecked.shown == LEGAL
    with in_language("en"):
        assert legal(lambda: pgettext("legal", LEGAL)) == LegalText(LEGAL, LEGAL, checked=True)


def test_a_checked_legal_translation_is_used(catalogs: Path) -> None:
    (catalogs / "de" / translation.LEGAL_VERIFIED).write_text(
        f"# checked by a lawyer\n{LEGAL}\nItems {{n}} are mine.\n", encoding="utf-8"
    )
    translation.use_language("en", catalogs)
    with in_language("de"):
        assert translation.verified_legal() == {LEGAL, "Items {n} are mine."}
        assert legal(lambda: pgettext("legal", LEGAL)).shown == LEGAL_DE
        plural = legal(lambda: npgettext("legal", "Item {n} is mine.", "Items {n} are mine.", 2))
        assert plural.shown == "Nrn. {n}"
        single = legal(lambda: npgettext("legal", "Item {n} is mine.", "Items {n} are mine.", 1))
        assert single.shown == "Item {n} is mine."  # its singular is not listed
    with in_language("fr"):  # checked in German only
        assert legal(lambda: pgettext("legal", LEGAL)).shown == LEGAL


def test_the_shipped_legal_lists_exist_and_are_empty_for_machine_made_catalogs() -> None:
    for code in translation.LANGUAGE_NAMES:
        if code == translation.ENGLISH:
            continue
        path = translation.CATALOGS / code / translation.LEGAL_VERIFIED
        assert path.is_file(), path
        assert translation.verified_legal(code) == frozenset()
