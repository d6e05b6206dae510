"""A case's audit log: who did what and when, as records, with the words a person reads."""

from dataclasses import dataclass
from enum import StrEnum

from likeness_guard.core.domain.json_types import JsonDict
from likeness_guard.core.domain.records import ScanStatus
from likeness_guard.core.domain.words import SCAN_STATUS_WORDS
from likeness_guard.locale import N_, _, pgettext


class AuditAction(StrEnum):
    """What was done. The values are stored and written to manifests: never change one."""

    ENROLLED = "enrolled"
    SCAN_STARTED = "scan-started"
    SCAN_FINISHED = "scan-finished"
    REVIEW_ANSWER = "review-answer"
    REPORT_EXPORTED = "report-exported"
    PACKAGE_EXPORTED = "package-exported"
    NOTICE_WRITTEN = "notice-written"
    RECHECKED = "rechecked"
    CASE_CREATED = "case-created"
    CASE_EXPORTED = "case-exported"
    COLLECTION_MATCHED = "collection-matched"


# Translators: what a caseworker did, in a case's audit log (window, command line, report).
ACTION_WORDS: dict[AuditAction, str] = {
    AuditAction.ENROLLED: N_("Reference photos added"),
    AuditAction.SCAN_STARTED: N_("Scan started"),
    AuditAction.SCAN_FINISHED: N_("Scan finished"),
    AuditAction.REVIEW_ANSWER: N_("Match reviewed"),
    AuditAction.REPORT_EXPORTED: N_("Evidence report written"),
    AuditAction.PACKAGE_EXPORTED: N_("Evidence package written"),
    AuditAction.NOTICE_WRITTEN: N_("Takedown notices written"),
    AuditAction.RECHECKED: N_("Addresses checked again"),
    AuditAction.CASE_CREATED: N_("Case created"),
    AuditAction.CASE_EXPORTED: N_("Case exported"),
    AuditAction.COLLECTION_MATCHED: N_("Collection searched"),
}
# Translators: what an audit entry is about; {value} is a number, or the start of a
# picture's SHA-256.
SUBJECT_WORDS: dict[str, str] = {
    "profile": N_("profile {value}"),
    "scan": N_("scan {value}"),
    "picture": N_("picture {value}"),
    "case": N_("this case"),
    "collection": N_("collection {value}"),
}
# Translators: the names of an audit entry's details, shown as "name: value".
DETAIL_WORDS: dict[str, str] = {
    "accepted": N_("photos accepted"),
    "photos": N_("photos given"),
    "inputs": N_("folders, files or addresses"),
    "threshold": N_("threshold"),
    "status": N_("status"),
    "items": N_("files checked"),
    "matches": N_("matches"),
    "answer": N_("answer"),
    "sha256": N_("SHA-256 of the report"),
    "files": N_("files in the package"),
    "pictures": N_("pictures"),
    "addresses": N_("addresses checked"),
    "evidence_files": N_("kept files"),
    "database_sha256": N_("SHA-256 of the database copy"),
    "scan": N_("scan made"),
    "faces": N_("faces compared"),
}
# Translators: the caseworker column of an audit entry when no caseworker was named (one
# person using the app alone).
NOBODY_NAMED = N_("nobody named")


@dataclass(frozen=True)
class AuditEntry:
    """One thing done in a case: when (UTC, ISO 8601 with Z), by whom (None: nobody named),
    what, to what (`subject`: "scan 3", "profile 1", a picture's SHA-256 start; never a
    person's name or a file path) and `details` (data: counts, statuses, hashes)."""

    at: str
    caseworker: str | None
    action: AuditAction | str  # a value this version does not know stays as stored
    subject: str
    details: str = ""

    def action_words(self) -> str:
        """What was done, in the language in use."""
        known = self.action if isinstance(self.action, AuditAction) else None
        return _(ACTION_WORDS[known]) if known is not None else str(self.action)

    def caseworker_words(self) -> str:
        return self.caseworker if self.caseworker else _(NOBODY_NAMED)

    def subject_words(self) -> str:
        """The subject in the language in use: "scan 3", "this case" (as stored when this
        version does not know its kind)."""
        kind, _space, value = self.subject.partition(" ")
        template = SUBJECT_WORDS.get(kind)
        return _(template).format(value=value) if template else self.subject

    def details_words(self) -> str:
        """The details in the language in use, "label: value" for each one this version
        knows (scan statuses and answers in words, numbers and hashes as they are)."""
        shown = []
        for part in self.details.split():
            key, equals, value = part.partition("=")
            label = DETAIL_WORDS.get(key)
            if not equals or label is None:
                shown.append(part)
                continue
            value = _value_words(key, value)
            # Translators: one detail of an audit entry, e.g. "matches: 3".
            shown.append(_("{label}: {value}").format(label=_(label), value=value))
        # Translators: what separates the details of an audit entry.
        return pgettext("audit log", ", ").join(shown)

    def words(self) -> str:
        """Subject and details together, as the window, the command line and the report
        show them."""
        details = self.details_words()
        # Translators: an audit entry's subject and its details, e.g. "scan 3 (matches: 2)".
        return (
            _("{subject} ({details})").format(subject=self.subject_words(), details=details)
            if details
            else self.subject_words()
        )

    def to_json(self) -> JsonDict:
        """The entry as written to manifests and `case log --json` (untranslated)."""
        return {
            "at": self.at,
            "caseworker": self.caseworker,
            "action": str(self.action),
            "subject": self.subject,
            "details": self.details,
        }


def audit_action(value: str) -> AuditAction | str:
    """The stored action as an AuditAction, or the text itself when this version does not
    know it (written by a newer one)."""
    try:
        return AuditAction(value)
    except ValueError:
        return value


def _value_words(key: str, value: str) -> str:
    """A detail's value in words where it is a word: a scan's status, a review answer."""
    if key == "status":
        try:
            return str(SCAN_STATUS_WORDS[ScanStatus(value)])
        except ValueError:
            return value
    if key == "answer":
        return {
            # Translators: the answers of a review, in the audit log.
            "me": pgettext("audit log", "“This is me”"),
            "not_me": pgettext("audit log", "“Not me”"),
            "cleared": pgettext("audit log", "answer taken back"),
        }.get(value, value)
    return value
