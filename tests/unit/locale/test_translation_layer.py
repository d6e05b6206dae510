"""The translation layer: catalogs found by language, plural forms, context, English fallback."""

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from likeness_guard import locale as translation
from likeness_guard.locale import _, ngettext, pgettext


def write_catalog(folder: Path, language: str, catalog: Catalog) -> None:
    target = folder / language / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / f"{translation.DOMAIN}.mo").open("wb") as out:
        write_mo(out, catalog)


@pytest.fixture
def catalogs(tmp_path: Path) -> Iterator[Path]:
    german = Catalog(locale="de")
    german.add("Scan finished.", "Suche beendet.")
    german.add(("{count} match", "{count} matches"), ("{count} Treffer", "{count} Treffer"))
    polish = Catalog(locale="pl")  # three plural forms: 1, 2-4, 5+
    polish.add(("{count} match", "{count} matches"), ("{count} A", "{count} B", "{count} C"))
    polish.add("Match", "Dopasowanie", context="verdict")
    for language, catalog in (("de", german), ("pl", polish)):
        write_catalog(tmp_path, language, catalog)
    yield tmp_path
    translation.use_language("en")


def test_a_catalog_translates_whole_sentences_and_falls_back_to_english(catalogs: Path) -> None:
    assert translation.use_language("de_DE.UTF-8", catalogs) == "de"
    assert _("Scan finished.") == "Suche beendet."
    assert _("Not in the catalog.") == "Not in the catalog."
    assert translation.use_language("ko", catalogs) == "en"
    assert _("Scan finished.") == "Scan finished."


def test_plural_forms_follow_the_language_not_english(catalogs: Path) -> None:
    translation.use_language("pl", catalogs)
    forms = [ngettext("{count} match", "{count} matches", n).format(count=n) for n in (1, 3, 5)]
    assert forms == ["1 A", "3 B", "5 C"]
    assert pgettext("verdict", "Match") == "Dopasowanie"


def test_the_system_language_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "pt_BR.UTF-8")
    assert translation.system_language() == "pt_BR"
    monkeypatch.setenv("LANGUAGE", "ar:en")
    assert translation.system_language() == "ar"


def test_the_pseudo_language_keeps_placeholders_and_changes_every_word() -> None:
    catalogs = load_catalogs_tool()
    shown = catalogs.pseudo("Scan {count} files in <b>{folder}</b> &amp; more")
    assert shown.startswith("⟦")
    assert shown.endswith("⟧")
    assert "{count}" in shown
    assert "{folder}" in shown
    assert "<b>" in shown
    assert "&amp;" in shown
    assert "Scan" not in shown
    assert "files" not in shown


def test_every_marked_sentence_reaches_the_template_and_a_pseudo_catalog(tmp_path: Path) -> None:
    catalogs = load_catalogs_tool()
    source = tmp_path / "package"
    source.mkdir()
    (source / "page.py").write_text(
        "from likeness_guard.locale import N_, _, ngettext, pgettext\n"
        "KEPT = N_('Kept for later.')\n"
        "def words(n):\n"
        "    # Translators: a verdict button\n"
        "    return _('Scan finished.'), pgettext('verdict', 'Match'), "
        "ngettext('{count} file', '{count} files', n)\n"
    )
    template = catalogs.extract(source)
    ids = {(m.context, m.id) for m in template if m.id}
    assert ids == {
        (None, "Kept for later."),
        (None, "Scan finished."),
        ("verdict", "Match"),
        (None, ("{count} file", "{count} files")),
    }
    catalogs.compile_catalog(
        catalogs.pseudo_catalog(template), tmp_path / "xx" / "LC_MESSAGES" / "likeness_guard.mo"
    )
    try:
        assert translation.use_language("xx", tmp_path) == "xx"
        assert _("Scan finished.") == catalogs.pseudo("Scan finished.")
        assert pgettext("verdict", "Match") == catalogs.pseudo("Match")
        assert ngettext("{count} file", "{count} files", 2) == catalogs.pseudo("{count} files")
    finally:
        translation.use_language("en")


def load_catalogs_tool() -> ModuleType:
    path = Path(__file__).resolve().parents[3] / "packaging" / "catalogs.py"
    spec = importlib.util.spec_from_file_location("catalogs", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_command_line_speaks_the_language_asked_for(
    catalogs: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from likeness_guard.main import main

    monkeypatch.setattr(translation, "CATALOGS", catalogs)
    monkeypatch.delenv("LIKENESS_GUARD_LANGUAGE", raising=False)
    assert main(["--language", "de", "--data-dir", str(tmp_path / "data"), "profiles"]) == 0
    assert translation.current_language() == "de"
    assert translation.available_languages() == ["de", "en", "pl"]
    monkeypatch.setenv("LIKENESS_GUARD_LANGUAGE", "pl")
    assert main(["--data-dir", str(tmp_path / "data"), "profiles"]) == 0
    assert translation.current_language() == "pl"
