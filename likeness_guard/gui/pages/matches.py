"""Matches: found images, most similar first, blurred until revealed one at a time."""

import logging

from PySide6.QtCore import Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from likeness_guard.core.domain.records import MatchTier, ScanItem, Verdict, item_tier
from likeness_guard.core.services.reporting import EvidenceRequest
from likeness_guard.core.services.reviewing import Answers, set_verdict
from likeness_guard.core.services.scanning import scan_summaries, scan_summary
from likeness_guard.gui.answers import AnswerWatch
from likeness_guard.gui.evidence_task import EvidenceTask
from likeness_guard.gui.match_tiles import MatchTile, TileList, shown_in_grid_order
from likeness_guard.gui.pages.match_detail import DETAIL_PREVIEW_SIDE, MatchDetail
from likeness_guard.gui.previews import PreviewImages, PreviewService, request_for
from likeness_guard.gui.report_dialog import ReportDialog
from likeness_guard.gui.session import AppSession
from likeness_guard.gui.style import heading_font
from likeness_guard.gui.takedown_dialog import TakedownDialog
from likeness_guard.gui.widgets.match_card import CARD_PREVIEW_SIDES, MatchCard, card_preview_side
from likeness_guard.gui.widgets.match_filters import (
    FilterCounts,
    MatchFilters,
    empty_words,
    summary_words,
)
from likeness_guard.gui.widgets.match_list import MatchList
from likeness_guard.gui.widgets.rematch_button import RematchButton
from likeness_guard.gui.widgets.scan_chooser import ALL_SCANS, ScanChooser
from likeness_guard.locale import _

log = logging.getLogger(__name__)

LIVE_BATCH_MS = 100  # results found during a scan are laid out together, at most this often


class MatchesPage(QWidget):
    """Lists the matches of one scan (or all); `detail_shown(item_id)` when one is opened."""

    detail_shown = Signal(int)
    report_written = Signal(object)  # a core.report.ReportResult
    scan_requested = Signal()

    def __init__(
        self, session: AppSession, previews: PreviewService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.previews = previews
        # Every distinct image found, as data; cards exist only for rows near the screen.
        self.tiles = TileList()
        self._decoded_side = card_preview_side(session.preferences.tile_side)
        self._scan_id: int = ALL_SCANS
        self._threshold_by_scan: dict[int, float] = {}

        top = self._build_top()
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_list_page())
        self.stack.addWidget(self._build_detail())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

        previews.ready.connect(self._on_preview)
        # Answers given anywhere (another tile, the detail, a command in a terminal).
        self.answer_watch = AnswerWatch(lambda: self.session.store, self)
        self.answer_watch.changed.connect(self._on_answers_changed)
        session.data_changed.connect(self.reload)
        session.store_reopened.connect(self._use_reopened_store)
        session.recheck.progress.connect(self.message.setText)
        session.recheck.done.connect(self._on_rechecked)
        self.reload()

    # ---- building the page ---------------------------------------------------------------

    def _build_top(self) -> QHBoxLayout:
        """The title, the scan chooser, Export and Take down."""
        title = QLabel(_("Matches"))
        title.setFont(heading_font(self.font()))
        self.scan_box = ScanChooser()
        self.scan_box.activated.connect(self._on_scan_chosen)
        scan_label = QLabel(_("S&can:"))
        scan_label.setBuddy(self.scan_box)
        self.export_button = QPushButton(_("&Export evidence report…"))
        self.export_button.setAccessibleName(_("Export evidence report"))
        self.export_button.clicked.connect(self._export)
        self.takedown_button = QPushButton(_("Take &down…"))
        self.takedown_button.setToolTip(
            _("Check whether the images are still online and write takedown notices")
        )
        self.takedown_button.clicked.connect(self.open_takedown)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch()
        top.addWidget(scan_label)
        top.addWidget(self.scan_box)
        top.addWidget(self.export_button)
        top.addWidget(self.takedown_button)
        return top

    def _build_list_page(self) -> QWidget:
        """The filters, the summary, the message line and the grid of matches."""
        preferences = self.session.preferences
        self.filters = MatchFilters(
            show_faces=preferences.show_face_crops, tile_side=preferences.tile_side
        )
        self.filters.flagged_only.toggled.connect(self._apply_filters)
        self.filters.hide_rejected.toggled.connect(self._apply_filters)
        self.filters.show_faces.toggled.connect(self._on_show_faces)
        self.filters.size_slider.valueChanged.connect(self._on_tile_side)
        self.filters.blur_all_button.clicked.connect(self.blur_all)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        message_row = self._build_message_row()
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.filters)
        list_layout.addWidget(self.summary)
        list_layout.addLayout(message_row)
        list_layout.addWidget(self._build_grid_area(), 1)
        return list_page

    def _build_message_row(self) -> QHBoxLayout:
        """What the last action said, the written report's buttons, and the re-check."""
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.open_report_button = QPushButton(_("&Open report"))
        self.open_report_button.clicked.connect(self._open_report)
        self.report_folder_button = QPushButton(_("Show in &folder"))
        self.report_folder_button.clicked.connect(self._show_report_folder)
        self.evidence = EvidenceTask(self.session.data_dir, self)
        self.evidence.said.connect(self.message.setText)
        self.evidence.written.connect(self._on_report_written)
        self.evidence.ended.connect(self._update_actions)
        self.recheck_button = RematchButton(self.session)
        self.recheck_button.busy.connect(self.message.setText)
        message_row = QHBoxLayout()
        message_row.addWidget(self.message, 1)
        for button in (self.open_report_button, self.report_folder_button):
            button.setVisible(False)
            message_row.addWidget(button)
        message_row.addWidget(self.recheck_button)
        return message_row

    def _build_grid_area(self) -> MatchList:
        """The scrolled grid; results found during a scan are laid out in batches."""
        self.scroll_area = MatchList(self._make_card)
        self.scroll_area.scan_button.clicked.connect(self.scan_requested)
        self.grid = self.scroll_area.grid
        self.grid.card_dropped.connect(self._on_card_dropped)
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_BATCH_MS)
        self._live_timer.timeout.connect(self._apply_filters)
        return self.scroll_area

    def _build_detail(self) -> MatchDetail:
        self.detail = MatchDetail(self.session.store)
        self.detail.back_requested.connect(self.show_list)
        self.detail.step_requested.connect(self.step)
        self.detail.verdict_changed.connect(self._on_verdict_changed)
        return self.detail

    # ---- which scan --------------------------------------------------------------------

    def reload(self, scan_id: int | None = None) -> None:
        """Fill the scan chooser and list the chosen scan's matches (latest by default)."""
        summaries = scan_summaries(self.session.store)
        self._threshold_by_scan = {s.scan.id: s.scan.threshold for s in summaries}
        self._scan_id = self.scan_box.fill(summaries, scan_id)
        self._fill()
        self.recheck_button.offer_if_useful()

    @Slot(int)
    def _on_scan_chosen(self, index: int) -> None:
        self._scan_id = self.scan_box.scan_at(index)
        self.show_list()
        self._fill()

    def _fill(self) -> None:
        self._live_timer.stop()
        self.tiles = TileList()
        scan = None if self._scan_id == ALL_SCANS else self._scan_id
        for item in self.session.store.matches(scan) + self.session.store.possible_matches(scan):
            self.tiles.add(item)
        self._show_answers(self.answer_watch.read())
        self.grid.set_tiles(self.tiles)
        shown = self.detail.item
        if shown is not None and self.session.store.item(shown.id) is None:
            self.show_list()  # its data was deleted: nothing of it may stay on screen
            self.detail.clear()
        self.message.clear()
        for button in (self.open_report_button, self.report_folder_button):
            button.setVisible(False)
        self._apply_filters()

    # ---- live results ------------------------------------------------------------------

    @Slot(int)
    def follow_scan(self, scan_id: int) -> None:
        """A scan started: show its matches as they come."""
        self.show_list()
        self.reload(scan_id)

    @Slot(object)
    def add_live_item(self, item: object) -> None:
        assert isinstance(item, ScanItem)
        if item_tier(item) is MatchTier.NONE or self._scan_id not in (item.scan_id, ALL_SCANS):
            return
        added = self.tiles.add(item)
        if added is not None:  # answered before, in an earlier scan or for another version
            added.take_answer(self.answer_watch.current.for_item(item))
        else:  # a copy, or another version of a picture shown
            tile = self.tiles.of_item(item.id)
            card = self.grid.card_of(tile) if tile is not None else None
            if card is not None:  # "found N times" on the card on screen
                card.add_copy(item)
        # Thousands of results can come in a burst: the grid is laid out once per batch.
        if not self._live_timer.isActive():
            self._live_timer.start()

    @Slot(int)
    def scan_ended(self, scan_id: int) -> None:
        """Refresh the chooser's counts, keeping the list (and what is revealed) as it is;
        a scan that found nothing gives the page back to the last one that did."""
        summary = scan_summary(self.session.store, scan_id)
        self._live_timer.stop()
        found = any(tile.item.scan_id == scan_id for tile in self.tiles)  # possible ones too
        if not summary.counts.matches and not found and self._scan_id == scan_id:
            self.reload()  # nothing found (or it failed): back to the last scan with results
            return
        self.scan_box.rename(summary)
        self._apply_filters()
        self.recheck_button.offer_if_useful()

    # ---- re-checking with new photos ---------------------------------------------------

    @Slot(str, bool)
    def _on_rechecked(self, text: str, changed: bool) -> None:
        if changed:  # matches may have come or gone: list them again, on the same scan
            self.reload(self._scan_id)
        self.recheck_button.offer_if_useful()
        if text:
            self.message.setText(text)

    def showEvent(self, event: QShowEvent) -> None:
        self.recheck_button.offer_if_useful()  # photos may have been added or removed
        super().showEvent(event)

    def _threshold(self, item: ScanItem) -> float:
        threshold = self._threshold_by_scan.get(item.scan_id)
        if threshold is None:
            scan = self.session.store.scan(item.scan_id)
            threshold = scan.threshold if scan else self.session.preferences.threshold
            self._threshold_by_scan[item.scan_id] = threshold
        return threshold

    def _make_card(self, tile: MatchTile) -> MatchCard:
        """The card of a tile coming near the screen; its preview is asked for now."""
        side = self.filters.size_slider.value()
        card = MatchCard(tile.item, self._threshold(tile.item), side=side)
        for copy in (*tile.copies[1:], *tile.similar):  # "found 4 times, in 3 versions"
            card.add_copy(copy)
        card.details_requested.connect(self.show_detail)
        card.verdict_requested.connect(self._on_card_verdict)
        card.set_face_visible(self.filters.show_faces.isChecked())
        card.set_verdict(tile.item.verdict, self._other_version(tile))
        card.set_revealed(tile.revealed)
        card.reveal_button.toggled.connect(lambda revealed: setattr(tile, "revealed", revealed))
        request = request_for(tile.item, self.preview_side())
        cached = self.previews.cached(request.key)
        if cached is not None:  # the grid does not hold this card yet: `ready` would miss it
            card.set_images(cached)
        else:
            self.previews.request(request)
        return card

    def preview_side(self) -> int:
        """The size the tiles' pictures are decoded at: enough for the tiles on this screen."""
        return card_preview_side(self.filters.size_slider.value(), self.devicePixelRatioF())

    @Slot(object)
    def _on_card_dropped(self, card: object) -> None:
        """A card far from the screen goes: its preview is no longer needed."""
        assert isinstance(card, MatchCard)
        for side in CARD_PREVIEW_SIDES:
            self.previews.cancel(request_for(card.item, side).key)

    @Slot(object)
    def _on_preview(self, images: object) -> None:
        assert isinstance(images, PreviewImages)
        item_id, _, side = images.key.partition(":")
        tile = self.tiles.of_item(int(item_id)) if item_id.isdigit() else None
        card = self.grid.card_of(tile) if tile is not None else None
        if card is not None and str(card.item.id) == item_id and side == str(self.preview_side()):
            card.set_images(images)
        if (
            self.detail.item is not None
            and str(self.detail.item.id) == item_id
            and side == str(DETAIL_PREVIEW_SIDE)
        ):
            self.detail.set_images(images)

    # ---- filters -----------------------------------------------------------------------

    @Slot(int)
    def step(self, offset: int) -> None:
        """Open the next (+1) or previous (-1) match shown in the list, in list order."""
        shown = self.detail.item
        ids = [tile.item.id for tile in self.shown_tiles()]
        if shown is None or not ids:
            return
        if shown.id not in ids:  # hidden by a filter since: go on from the start
            target = ids[0]
        else:
            index = ids.index(shown.id) + offset
            if not 0 <= index < len(ids):
                self.detail.message.setText(
                    _("That was the last match.") if offset > 0 else _("This is the first match.")
                )
                return
            target = ids[index]
        self.show_detail(target)

    # ---- the grid ------------------------------------------------------------------------

    @Slot(int)
    def _on_tile_side(self, side: int) -> None:
        self.session.preferences.tile_side = side
        before = self._decoded_side
        self._decoded_side = self.preview_side()
        self.grid.set_side(side)
        if self._decoded_side != before:  # larger tiles need more pixels (smaller, fewer)
            for card in self.grid.cards():
                self.previews.request(request_for(card.item, self._decoded_side))

    @Slot()
    def blur_all(self) -> None:
        """Blur every picture at once (the detail view too)."""
        for tile in self.tiles:
            tile.revealed = False
        for card in self.grid.cards():
            card.set_revealed(False)
        self.detail.set_revealed(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Review by keyboard: arrows (or J/K), Home/End and Page Up/Down move, Enter opens,
        M/N answer and move on, B blurs everything."""
        tiles = self.shown_tiles()
        tile = self.grid.focused_tile(self.focusWidget())
        key = Qt.Key(event.key())
        key = {Qt.Key.Key_J: Qt.Key.Key_Right, Qt.Key.Key_K: Qt.Key.Key_Left}.get(key, key)
        target = self.grid.moved(tile, key)
        if key == Qt.Key.Key_B:
            self.blur_all()
        elif target is not None:
            self._focus(target)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and tile is not None:
            self.show_detail(tile.item.id)
        elif key in (Qt.Key.Key_M, Qt.Key.Key_N) and tile in tiles:
            index = tiles.index(tile)
            verdict = Verdict.ME if key == Qt.Key.Key_M else Verdict.NOT_ME
            following = tiles[index + 1] if index + 1 < len(tiles) else None
            self._on_card_verdict(tile.item.id, verdict)
            if following is not None:
                self._focus(following)
        else:
            super().keyPressEvent(event)

    def _focus(self, target: MatchTile | MatchCard) -> None:
        tile = self.tiles.of_item(target.item.id) if isinstance(target, MatchCard) else target
        card = self.grid.bring_into_view(tile) if tile is not None else None
        if card is not None:
            card.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll_area.ensureWidgetVisible(card)

    @Slot(int, object)
    def _on_card_verdict(self, item_id: int, verdict: object) -> None:
        """An answer given on a tile: stored for the bytes, pressing it again clears it."""
        tile = self.tiles.of_item(item_id)
        if tile is None or tile.item.sha256 is None or not isinstance(verdict, Verdict):
            return
        chosen = None if tile.item.verdict is verdict else verdict
        set_verdict(self.session.store, tile.item.sha256, chosen)
        self._on_verdict_changed(item_id, chosen)

    def shown_tiles(self) -> list[MatchTile]:
        """Every tile the filters show, in grid order (matches, then possible matches)."""
        return shown_in_grid_order(self.tiles)

    def visible_cards(self) -> list[MatchCard]:
        """The cards of the shown tiles that exist now: all of a short list, the rows near
        the screen of a long one."""
        return self.grid.cards()

    @Slot()
    def _apply_filters(self) -> None:
        self._live_timer.stop()
        counts = self.filters.apply(self.tiles)
        self.grid.relayout()
        self._update_empty_state(counts)
        self._update_actions()

    def _update_actions(self) -> None:
        """Export and Take down need one scan with matches; a disabled button says why."""
        if self._scan_id == ALL_SCANS:
            reason = _("Choose one scan above first.")
        elif not len(self.tiles):
            reason = _("This scan found no image of you, so there is nothing to export.")
        else:
            reason = ""
        for button, tip in (
            (
                self.export_button,
                _("Write a signed PDF report of this scan's matches, or an evidence package"),
            ),
            (self.takedown_button, _("Check whether the images are still online; write notices")),
        ):
            button.setEnabled(
                not reason and (button is not self.export_button or not self.evidence.is_running())
            )
            button.setToolTip(reason or tip)

    def _update_empty_state(self, counts: FilterCounts) -> None:
        total = len(self.tiles)
        empty = empty_words(has_scans=self.scan_box.count() > 0, total=total, shown=counts.shown)
        self.scroll_area.show_empty(empty, offer_scan=bool(empty) and total == 0)
        hiding_rejected = self.filters.hide_rejected.isChecked()
        self.summary.setText(summary_words(self.tiles, counts, hiding_rejected=hiding_rejected))

    @Slot(bool)
    def _on_show_faces(self, visible: bool) -> None:
        self.session.preferences.show_face_crops = visible
        for card in self.grid.cards():
            card.set_face_visible(visible)

    # ---- detail ------------------------------------------------------------------------

    @Slot(int)
    def show_detail(self, item_id: int) -> None:
        item = self.session.store.item(item_id)
        if item is None:
            return
        self.detail.show_item(item, self._threshold(item))
        self.stack.setCurrentWidget(self.detail)
        self.detail.back_button.setFocus()
        self.previews.request(request_for(item, DETAIL_PREVIEW_SIDE), first=True)
        self.detail_shown.emit(item_id)

    @Slot()
    def show_list(self) -> None:
        was_detail = self.stack.currentWidget() is self.detail
        if was_detail:
            self.detail.set_revealed(False)  # leaving the detail blurs it again
        self.stack.setCurrentIndex(0)
        if was_detail and self.detail.item is not None:
            tile = self.tiles.of_item(self.detail.item.id)
            card = self.grid.bring_into_view(tile) if tile is not None else None
            if card is not None:
                card.details_button.setFocus()

    @Slot(int, object)
    def _on_verdict_changed(self, item_id: int, verdict: object) -> None:
        # A verdict belongs to the picture: every copy and every other version of it (stored
        # for their bytes too) shows it.
        answer = verdict if isinstance(verdict, Verdict) else None
        tile = self.tiles.of_item(item_id)
        if tile is not None:
            for sha256 in tile.similar_sha256s:
                set_verdict(self.session.store, sha256, answer)
            tile.set_verdict(answer)
            card = self.grid.card_of(tile)
            if card is not None:
                card.set_verdict(answer)
        self._show_answers(self.answer_watch.read())  # other pictures' versions too
        self._apply_filters()

    @Slot(object)
    def _on_answers_changed(self, answers: object) -> None:
        """Answers given elsewhere (a command in a terminal, another thread): shown now."""
        assert isinstance(answers, Answers)
        if self._show_answers(answers):
            self._apply_filters()

    def _show_answers(self, answers: Answers) -> bool:
        """Each tile says the answer that holds for its picture; True when one changed."""
        changed = False
        for tile in self.tiles:
            if not tile.take_answer(answers.for_item(tile.item)):
                continue
            changed = True
            card = self.grid.card_of(tile)
            if card is not None:
                card.set_verdict(tile.item.verdict, self._other_version(tile))
        return changed

    @staticmethod
    def _other_version(tile: MatchTile) -> Verdict | None:
        return tile.other_version.verdict if tile.other_version is not None else None

    # ---- takedown -----------------------------------------------------------------------

    def open_takedown(self) -> TakedownDialog | None:
        """Open the takedown dialog for the chosen scan; returns it (tests drive it)."""
        if self._scan_id == ALL_SCANS:
            self.message.setText(_("Choose one scan above to take its images down."))
            return None
        dialog = TakedownDialog(self.session, self._scan_id, self)
        dialog.recheck_done.connect(self.detail.takedown.refresh)
        dialog.open()
        return dialog

    # ---- evidence report ---------------------------------------------------------------

    def _export(self) -> None:
        if self._scan_id == ALL_SCANS:
            self.message.setText(_("Choose one scan above to export its report."))
            return
        if self.evidence.is_running():
            return
        matches = [tile.item for tile in self.tiles if tile.item.scan_id == self._scan_id]
        own = frozenset(
            reference.source_sha256
            for profile in self.session.store.profiles()
            for reference in self.session.store.references(profile.id)
        )
        request = ReportDialog(self._scan_id, matches, self, own_photos=own).ask()
        if request is not None:
            self.start_report(request)

    def start_report(self, request: EvidenceRequest) -> None:
        """Write the report in a worker; the outcome appears in the page's message line."""
        self.export_button.setEnabled(False)
        self.evidence.start(request)

    @Slot(object)
    def _on_report_written(self, result: object) -> None:
        for button in (self.open_report_button, self.report_folder_button):
            button.setVisible(True)
        self.report_written.emit(result)

    def _open_report(self) -> None:
        if self.evidence.written_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.evidence.written_path)))

    def _show_report_folder(self) -> None:
        if self.evidence.written_path is not None:
            folder = self.evidence.written_path.parent
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    @Slot()
    def _use_reopened_store(self) -> None:
        self.detail.use_store(self.session.store)

    def is_writing_report(self) -> bool:
        return self.evidence.is_running()

    def shutdown(self) -> None:
        self.evidence.wait()
