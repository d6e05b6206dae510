"""Where a web match stands on its way to removal: still online or gone, reported, overdue."""

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QInputDialog, QLabel, QPushButton, QWidget

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import ScanItem
from likeness_guard.core.domain.words import online_words
from likeness_guard.core.services.folder import Store
from likeness_guard.core.services.takedown import (
    platform_directory,
    record_takedown_request,
    takedown_state,
)
from likeness_guard.locale import _


class TakedownStatus(QLabel):
    """For a web match in the detail view: still online or gone, where it was reported, the
    deadline and where to report it. `report_button` (placed by the page) notes a report;
    `reported` follows."""

    reported = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.item: ScanItem | None = None
        self.overdue = False
        self.setWordWrap(True)
        self.setOpenExternalLinks(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAccessibleName(_("Is it still online, and was it reported"))
        self.report_button = QPushButton(_("I &reported it…"))
        self.report_button.setToolTip(_("Note where and when you asked for this image's removal"))
        self.report_button.clicked.connect(self.ask_where_reported)

    def clear(self) -> None:
        self.item = None
        self.overdue = False
        super().clear()

    def set_item(self, item: ScanItem) -> None:
        self.item = item
        self.refresh()

    def refresh(self) -> None:
        """Read the item's re-checks and requests again (after a re-check or a report)."""
        if self.item is None or self.item.web is None:
            return
        url = self.item.web.url
        state = takedown_state(self.store, url)
        lines = [escape(_("Online: {state}").format(state=online_words(state.latest)))]
        reported = _("Reported to {where} on {date}")
        for request in state.requests:
            where, date = request.reported_to, request.reported_on[:10]
            lines.append(escape(reported.format(where=where, date=date)))
        if state.deadline is not None:
            due = state.deadline.strftime("%Y-%m-%d %H:%M UTC")
            lines.append(
                escape(
                    _("Overdue: removal was due by {due}, the deadline you set.").format(due=due)
                )
                if state.overdue
                else escape(_("Removal due by {due}, the deadline you set.").format(due=due))
            )
        if state.requests and state.next_recheck is not None:
            when = state.next_recheck.strftime("%Y-%m-%d %H:%M UTC")
            lines.append(escape(_("Check again on {when}.").format(when=when)))
        platform = platform_directory().platform_for(url)
        if platform is not None:
            where = platform.report_url or platform.report_email or ""
            link = (
                f'<a href="{where}">{escape(where)}</a>' if where.startswith("https://") else where
            )
            # Translators: {platform} is a site such as Instagram; {link} where it takes reports.
            report_to = _("Report it to {platform}: {link}")
            lines.append(report_to.format(platform=escape(platform.name), link=link))
        else:
            lines.append(
                _(
                    "Report it with the site's own Report or Contact link, or write to its "
                    "hosting provider's abuse address (Matches → Take down… writes the notice)."
                )
            )
        self.setText("<br>".join(lines))
        self.overdue = state.overdue

    def ask_where_reported(self) -> None:
        if self.item is None or self.item.web is None:
            return
        platform = platform_directory().platform_for(self.item.web.url)
        text, accepted = QInputDialog.getText(
            self,
            _("Where did you report it?"),
            _(
                "Where did you report this image? (for example the site's form, or an email "
                "address). The date is today; its removal is then tracked here."
            ),
            text=platform.name if platform else "",
        )
        if accepted and text.strip():
            self.record(text.strip())

    def record(self, reported_to: str) -> None:
        """Note that the item's web addresses were reported to `reported_to` today."""
        if self.item is None or self.item.sha256 is None:
            return
        try:
            record_takedown_request(self.store, self.item.sha256, reported_to)
        except UserFacingError as exc:
            self.setText(escape(str(exc)))
            return
        self.refresh()
        self.reported.emit(reported_to)
