"""The one translation layer: every sentence a person reads in the window, the command
line's human output, the evidence report and the notices goes through here.

Catalogs are GNU gettext files: `likeness_guard/locale/<language>/LC_MESSAGES/likeness_guard.mo`
(compiled from the `.po` beside it). Whole sentences are translated, never glued from parts:
`_()` for a sentence, `ngettext()` when it holds a count (languages have one to six plural
forms), `pgettext()` where the same English word means two things. Placeholders are named
(`{count}`, `{name}`) so a translation may put them in any order.

The language is chosen once per process (`use_language`), from Settings, `--language`, or the
system; a missing catalog falls back to English. Plain Python: the core may use it, and it
imports nothing of the app.
"""

import gettext
import locale
import os
import threading
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

_lock = threading.Lock()
_active: gettext.NullTranslations = gettext.NullTranslations()
_language = ENGLISH


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
    global _active, _language
    catalogs = catalogs or CATALOGS
    wanted = _code(code) if code else system_language()
    candidates = [wanted, wanted.split("_")[0]]
    translations = gettext.translation(DOMAIN, catalogs, languages=candidates, fallback=True)
    chosen = ENGLISH
    if isinstance(translations, gettext.GNUTranslations):
        chosen = next(c for c in candidates if (catalogs / c / "LC_MESSAGES").is_dir())
    with _lock:
        _active, _language = translations, chosen
    return chosen


def current_language() -> str:
    return _language


def is_right_to_left(code: str | None = None) -> bool:
    """Whether `code` (default: the language in use) is written right to left."""
    return _code(code or _language).split("_")[0] in RIGHT_TO_LEFT


def _(message: str) -> str:
    """`message` in the language in use."""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a sentence that fits `count` (format `{count}` into it afterwards)."""
    return _active.ngettext(singular, plural, count)


def N_(message: str) -> str:  # the name gettext tools look for
    """Marks a sentence kept in a constant for the catalogs; translate it where it is shown,
    with `_(CONSTANT)` (a constant is made before the language is chosen)."""
    return message


def pgettext(context: str, message: str) -> str:
    """`message` as meant in `context` (e.g. "verdict" for "Match")."""
    return _active.pgettext(context, message)
