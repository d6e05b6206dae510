"""The one translation layer: every sentence a person reads in the window, the command
line's human output, the evidence report and the notices goes through here.

Catalogs are GNU gettext files: `likeness_guard/locale/<language>/LC_MESSAGES/likeness_guard.mo`
(compiled from the `.po` beside it). Whole sentences are translated, never glued from parts:
`_()` for a sentence, `ngettext()` when it holds a count (languages have one to six plural
forms), `pgettext()` where the same English word means two things. Placeholders are named
(`{count}`, `{name}`) so a translation may put them in any order.

The language is chosen once per process (`use_language`), from Settings, `--language`, or the
system; a missing catalog falls back to English. A piece of writing meant for someone else (a
notice in its recipient's language, a report in the language asked for) is made inside
`in_language(code)`, which changes the language of the current thread only. Legal paragraphs
are marked `pgettext("legal", ...)` and shown translated only where the translation was checked
(`checked_legal`). Plain Python: the core may use it, and it imports nothing of the app.
"""

import gettext
import locale
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DOMAIN = "likeness_guard"
CATALOGS = Path(__file__).parent
ENGLISH = "en"

# The languages the app is being translated into, each named in its own language (what a
# person looks for in a list). Right-to-left scripts lay the window out mirrored.
LANGUAGE_NAMES = {
    "en": "English",
    "ar": "العربية",
    "de": "Deutsch",
    "es": "Español",
    "fr": "Français",
    "hi": "हिन्दी",
    "ja": "日本語",
    "ko": "한국어",
    "pt_BR": "Português (Brasil)",
}
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur"})

# The legal sentences whose translation a person checked, one English sentence (msgid) a
# line, in <language>/legal-verified.txt beside the catalog ("#" starts a comment).
LEGAL_VERIFIED = "legal-verified.txt"

_lock = threading.Lock()
_active: gettext.NullTranslations = gettext.NullTranslations()
_language = ENGLISH
_catalogs_in_use: Path | None = None  # None: CATALOGS
# A thread's own language inside `in_language`: (translations, code, catalogs folder).
_scoped = threading.local()


def system_language() -> str:
    """The language the system asks for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, then the
    platform's locale), as a code such as "ko" or "pt_BR"; "en" when none is set."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value and value not in ("C", "POSIX"):
            return _code(value.split(":")[0])
    with_platform = locale.getlocale()[0]  # Windows and macOS set no variable
    return _code(with_platform) if with_platform else ENGLISH


def _code(value: str) -> str:
    """ "pt_BR.UTF-8" -> "pt_BR", "de-DE" -> "de_DE"."""
    return value.split(".")[0].split("@")[0].replace("-", "_") or ENGLISH


def available_languages() -> list[str]:
    """English and every language with a compiled catalog, sorted."""
    found = {p.parent.parent.name for p in CATALOGS.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
    return sorted(found | {ENGLISH})


def use_language(code: str | None = None, catalogs: Path | None = None) -> str:
    """Translate into `code` (None: the system's language) from now on, in every thread.

    "pt_BR" falls back to "pt" when only that exists, and anything missing to English.
    Returns the language now in use.
    """
    global _active, _language, _catalogs_in_use
    translations, chosen = _load(code or system_language(), catalogs or CATALOGS)
    with _lock:
        _active, _language, _catalogs_in_use = translations, chosen, catalogs
    return chosen


def _load(code: str, catalogs: Path) -> tuple[gettext.NullTranslations, str]:
    """The translations for `code` (or its language without the territory) and the language
    they are in; English's (none) when no catalog exists."""
    wanted = _code(code)
    candidates = [wanted, wanted.split("_")[0]]
    translations = gettext.translation(DOMAIN, catalogs, languages=candidates, fallback=True)
    chosen = ENGLISH
    if isinstance(translations, gettext.GNUTranslations):
        chosen = next(c for c in candidates if (catalogs / c / "LC_MESSAGES").is_dir())
    return translations, chosen


@contextmanager
def in_language(code: str | None, catalogs: Path | None = None) -> Iterator[str]:
    """Within the block, this thread translates into `code` (None: the language in use);
    other threads, the window's among them, keep theirs. Yields the language used (English
    when `code` has no catalog). Blocks may nest."""
    before = getattr(_scoped, "state", None)
    if code is None:
        yield current_language()
        return
    folder = catalogs or _catalogs_in_use or CATALOGS
    translations, chosen = _load(code, folder)
    _scoped.state = (translations, chosen, folder)
    try:
        yield chosen
    finally:
        _scoped.state = before


def _translations() -> gettext.NullTranslations:
    state = getattr(_scoped, "state", None)
    return _active if state is None else state[0]


def current_language() -> str:
    """The language this thread translates into."""
    state = getattr(_scoped, "state", None)
    return _language if state is None else str(state[1])


def is_right_to_left(code: str | None = None) -> bool:
    """Whether `code` (default: the language in use) is written right to left."""
    return _code(code or current_language()).split("_")[0] in RIGHT_TO_LEFT


def _(message: str) -> str:
    """`message` in the language in use."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a sentence that fits `count` (format `{count}` into it afterwards)."""
    return _translations().ngettext(singular, plural, count)


def N_(message: str) -> str:  # the name gettext tools look for
    """Marks a sentence kept in a constant for the catalogs; translate it where it is shown,
    with `_(CONSTANT)` (a constant is made before the language is chosen)."""
    return message


def pgettext(context: str, message: str) -> str:
    """`message` as meant in `context` (e.g. "verdict" for "Match")."""
    return _translations().pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, count: int) -> str:
    """`ngettext` for a sentence meant in `context` (e.g. "legal")."""
    return _translations().npgettext(context, singular, plural, count)


def verified_legal(code: str | None = None) -> frozenset[str]:
    """The legal sentences (English msgids) whose translation into `code` (default: the
    language in use) a person checked; empty when none was."""
    code = code or current_language()
    state = getattr(_scoped, "state", None)
    folder = state[2] if state is not None else (_catalogs_in_use or CATALOGS)
    path = Path(folder) / code / LEGAL_VERIFIED
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@dataclass(frozen=True)
class LegalText:
    """A legal sentence in the language in use and in English, and whether the translation
    may be used (a person checked it says the same thing, or there is none to check)."""

    translated: str
    english: str
    checked: bool

    @property
    def shown(self) -> str:
        """The translation when checked, else the English."""
        return self.translated if self.checked else self.english


def legal(make: Callable[[], str]) -> LegalText:
    """A legal sentence: `make` is a `pgettext("legal", ...)` (or `npgettext`) call, made in
    the language in use and in English; checked when the translation is listed in the
    language's legal-verified.txt, or is no translation at all."""
    translated = make()
    with in_language(ENGLISH):
        english = make()
    return LegalText(translated, english, translated == english or english in verified_legal())
