"""The shipped catalogs: one per language the app offers, every sentence of the code
translated in every plural form, placeholders kept, the glossary held to, compiled as is."""

import gettext
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog

from likeness_guard import locale as translation
from tests.catalog_tools import packaging_script

LANGUAGES = ("ar", "de", "es", "fr", "hi", "ja", "ko", "pt_BR")


@pytest.fixture(scope="module")
def tools() -> tuple[ModuleType, ModuleType]:
    return packaging_script("catalogs"), packaging_script("translation_batches")


@pytest.fixture(scope="module")
def sentences(tools: tuple[ModuleType, ModuleType]) -> set[tuple[str, str | None]]:
    """Every sentence marked in the code now (not the committed template, which may lag)."""
    catalogs, _batches = tools
    return {(str(m.id if isinstance(m.id, str) else m.id[0]), m.context)
            for m in catalogs.extract() if m.id}  # fmt: skip


def test_every_language_offered_has_its_catalog() -> None:
    assert set(translation.available_languages()) == {"en", *LANGUAGES}
    assert set(translation.LANGUAGE_NAMES) == {"en", *LANGUAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_sentence_is_translated_and_compiled(
    tools: tuple[ModuleType, ModuleType], sentences: set[tuple[str, str | None]], language: str
) -> None:
    catalogs, batches = tools
    path = batches.catalog_path(language)
    catalog = catalogs.read(path)
    held = {(str(m.id if isinstance(m.id, str) else m.id[0]), m.context) for m in catalog if m.id}
    assert sorted(sentences - held)[:5] == [], "sentences of the code missing from the catalog"
    assert catalogs.missing(catalog)[:5] == [], "sentences not translated"
    assert "Machine translation" in catalog.header_comment  # each catalog says so
    assert catalogs.is_compiled(path), "run make catalogs"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_forms_and_glossary(
    tools: tuple[ModuleType, ModuleType], language: str
) -> None:
    catalogs, batches = tools
    catalog = catalogs.read(batches.catalog_path(language))
    broken = []
    for message in catalog:
        if not message.id:
            continue
        answer = list(message.string) if isinstance(message.id, tuple) else message.string
        reason = batches.problem(message, answer, catalog.num_plurals)
        if reason:
            broken.append(f"{message.id!r}: {reason}")
    assert broken[:5] == []
    assert batches.glossary(language), "no glossary"
    assert batches.glossary_breaks(language)[:5] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_follow_the_language(language: str) -> None:
    """The compiled catalog picks the form CLDR's rule for the language picks (Arabic: six),
    so "2 files" in Arabic is the dual, not English's plural."""
    rule = gettext.c2py(Catalog(locale=language).plural_expr)
    translation.use_language(language)
    try:
        chosen = translation._active  # the compiled catalog now in use
        counts = [*range(0, 120), 1_000_000]
        assert isinstance(chosen, gettext.GNUTranslations)
        chosen_forms = [chosen.plural(n) for n in counts]  # type: ignore[attr-defined]
        assert chosen_forms == [rule(n) for n in counts]
        one = translation.ngettext("{count} match so far.", "{count} matches so far.", 1)
        assert "so far" not in one
    finally:
        translation.use_language("en")
