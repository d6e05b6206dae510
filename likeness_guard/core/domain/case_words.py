"""Sentences about a workspace's cases that the window and the command line both say."""

from likeness_guard.locale import _, ngettext


def kept_cases_words(other_cases: int, collections: int) -> str:
    """What "Delete all my data" of a workspace's own case keeps: its other cases and its
    collections ("" for a person alone, who has neither)."""
    if not other_cases and not collections:
        return ""
    cases = ngettext("{count} other case", "{count} other cases", other_cases)
    kept = ngettext("{count} collection", "{count} collections", collections)
    # Translators: {cases} is "1 other case" or "3 other cases"; {collections} is
    # "1 collection" or "2 collections".
    return _(
        "The {cases} and {collections} of this workspace are kept: delete a case on its own "
        "from the Case menu or with “likeness-guard case delete”."
    ).format(cases=cases.format(count=other_cases), collections=kept.format(count=collections))
