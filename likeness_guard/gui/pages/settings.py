"""Settings: how strict matching is, where data is kept and its passphrase, the models, and
deleting it all."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from likeness_guard.core.domain.packs import (
    KNOWN_PACKS,
    PACK_LICENCE,
    THRESHOLD_CAVEAT,
    UNVERIFIED,
    switch_words,
)
from likeness_guard.core.domain.thresholds import PRESET_THRESHOLDS, Preset
from likeness_guard.core.domain.words import (
    ALLOW_PRIVATE_SETTING,
    PRESET_MEANINGS,
    ProtectionAction,
    protection_words,
)
from likeness_guard.core.services.folder import Store, stored_data
from likeness_guard.core.services.packs import available_cores
from likeness_guard.core.services.protection import (
    ProtectionChange,
    change_passphrase,
    protect_folder,
    remove_protection,
)
from likeness_guard.gui.pages.settings_words import (
    SWITCHING_MODELS_NOW,
    custom_threshold_words,
    deletion_summary_words,
    pack_entry,
    preset_label,
    workers_choices,
)
from likeness_guard.gui.passphrase_dialog import (
    NOT_PROTECTED_STATE,
    NOTHING_CHANGED,
    PROTECTED_STATE,
    WORKING,
    PassphraseAnswer,
    ask_passphrases,
)
from likeness_guard.gui.session import AppSession, ProtectionJob
from likeness_guard.gui.style import heading_font, muted_color, set_text_color
from likeness_guard.gui.tasks import BackgroundTask, TaskContext, run_task
from likeness_guard.gui.widgets.confirm import confirm_deletion
from likeness_guard.gui.widgets.labels import StatusLine, selectable_label
from likeness_guard.gui.widgets.language_choice import LanguageChoice
from likeness_guard.locale import _

__all__ = ["SWITCHING_MODELS_NOW", "SettingsPage"]


def ask_for_pack_folder(parent: QWidget) -> Path | None:
    """The real folder dialog; tests replace `SettingsPage.choose_pack_folder`."""
    chosen = QFileDialog.getExistingDirectory(parent, _("Choose an unpacked insightface pack"))
    return Path(chosen) if chosen else None


def ask_to_confirm(parent: QWidget, text: str) -> bool:
    """The real confirmation dialog; tests replace `SettingsPage.confirm`."""
    return confirm_deletion(
        parent,
        title=_("Delete all my data"),
        question=_("Delete all of your Likeness Guard data from this computer?"),
        details=text,
        delete_label=_("Delete everything"),
    )


class SettingsPage(QWidget):
    """`about_to_delete` lets the window stop running work before the data goes."""

    about_to_delete = Signal()
    deleted = Signal()
    preset_changed = Signal()
    pack_switched = Signal()  # a pack switch or addition ended (pack_status says how)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.confirm: Callable[[QWidget, str], bool] = ask_to_confirm
        self.choose_pack_folder: Callable[[QWidget], Path | None] = ask_for_pack_folder
        self.ask_passphrases: Callable[[QWidget, ProtectionAction], PassphraseAnswer | None] = (
            ask_passphrases
        )
        self._pack_task: BackgroundTask | None = None
        self._protection_action = ProtectionAction.PROTECT

        title = QLabel(_("Settings"))
        title.setFont(heading_font(self.font()))
        groups = (
            self._matching_group(),
            self._web_group(),
            self._speed_group(),
            LanguageChoice(self.session.preferences),
            self._data_group(),
            self._protection_group(),
            self._models_group(),
            self._delete_group(),
        )
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(24, 24, 24, 24)
        content_layout.addWidget(title)
        for group in groups:
            content_layout.addWidget(group)
        content_layout.addStretch()
        scroll = QScrollArea()
        scroll.setAccessibleName(_("Settings"))
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        session.engine_ready.connect(self._show_models)
        session.engine_failed.connect(self.models_label.setText)
        session.watch_work(self._pack_work)
        if session.engine is not None:
            self._show_models()

    # ---- building the page ---------------------------------------------------------------

    def _meaning_label(self, text: str = "") -> QLabel:
        """The muted sentence under a choice, indented to its text, saying what it means."""
        meaning = QLabel(text)
        meaning.setWordWrap(True)
        meaning.setContentsMargins(24, 0, 0, 6)
        set_text_color(meaning, muted_color(self.palette()))
        return meaning

    def _matching_group(self) -> QGroupBox:
        """The presets, each with what it means, and a threshold of one's own."""
        preferences = self.session.preferences
        matching = QGroupBox(_("How strict matching is"))
        matching_layout = QVBoxLayout(matching)
        self.preset_group = QButtonGroup(self)
        self.preset_buttons: dict[Preset, QRadioButton] = {}
        for preset in Preset:
            button = QRadioButton(preset_label(preset))
            button.setAccessibleDescription(PRESET_MEANINGS[preset])
            self.preset_group.addButton(button)
            self.preset_buttons[preset] = button
            matching_layout.addWidget(button)
            matching_layout.addWidget(self._meaning_label(PRESET_MEANINGS[preset]))
        self.custom_button = QRadioButton(_("My own threshold:"))
        self.custom_button.setAccessibleDescription(_("Match faces at a similarity you choose"))
        self.custom_value = QDoubleSpinBox()
        self.custom_value.setRange(0.20, 0.80)
        self.custom_value.setSingleStep(0.01)
        self.custom_value.setDecimals(2)
        self.custom_value.setAccessibleName(_("Custom similarity threshold"))
        self.custom_meaning = self._meaning_label()
        self.preset_group.addButton(self.custom_button)
        custom_row = QHBoxLayout()
        custom_row.addWidget(self.custom_button)
        custom_row.addWidget(self.custom_value)
        custom_row.addStretch()
        matching_layout.addLayout(custom_row)
        matching_layout.addWidget(self.custom_meaning)
        custom = preferences.custom_threshold
        self.custom_value.setValue(
            custom if custom is not None else PRESET_THRESHOLDS[preferences.preset]
        )
        if custom is not None:
            self.custom_button.setChecked(True)
        else:
            self.preset_buttons[preferences.preset].setChecked(True)
        self._describe_custom()
        self.preset_group.buttonToggled.connect(self._on_preset)
        self.custom_value.valueChanged.connect(self._on_custom_value)
        note = QLabel(_("A new setting applies to the next scan; earlier results keep theirs."))
        note.setWordWrap(True)
        matching_layout.addWidget(note)
        return matching

    def _web_group(self) -> QGroupBox:
        web = QGroupBox(_("Web addresses"))
        web_layout = QVBoxLayout(web)
        self.private_box = QCheckBox(_(ALLOW_PRIVATE_SETTING))
        self.private_box.setChecked(self.session.preferences.allow_private_addresses)
        self.private_box.toggled.connect(self._on_private)
        web_layout.addWidget(self.private_box)
        return web

    def _speed_group(self) -> QGroupBox:
        """How many cores a scan may use, and what using fewer costs and gives."""
        preferences = self.session.preferences
        speed = QGroupBox(_("Speed"))
        speed_layout = QVBoxLayout(speed)
        cores = available_cores()
        self.workers_choice = QComboBox()
        self.workers_choice.setAccessibleName(_("Cores a scan may use"))
        for label, workers in workers_choices(cores):
            self.workers_choice.addItem(label, workers)
        chosen = preferences.scan_workers
        index = self.workers_choice.findData(chosen) if chosen is not None else 0
        if index < 0:  # more cores than this computer now has: back to every core
            index = 0
            preferences.scan_workers = None
        self.workers_choice.setCurrentIndex(index)
        self.workers_choice.currentIndexChanged.connect(self._on_workers)
        workers_row = QHBoxLayout()
        workers_row.addWidget(QLabel(_("A scan may use:")))
        workers_row.addWidget(self.workers_choice)
        workers_row.addStretch()
        speed_layout.addLayout(workers_row)
        speed_note = QLabel(
            _(
                "Each core a scan uses runs its own copy of the face models (about 300 MB of "
                "memory). Fewer cores keep the computer quicker to respond during a long scan; "
                "the scan takes longer."
            )
        )
        speed_note.setWordWrap(True)
        speed_layout.addWidget(speed_note)
        return speed

    def _data_group(self) -> QGroupBox:
        data = QGroupBox(_("Where your data is kept"))
        data_layout = QVBoxLayout(data)
        self.data_label = selectable_label(_("Data folder"), str(self.session.data_dir))
        open_button = QPushButton(_("Open data folder"))
        open_button.clicked.connect(self._open_data_folder)
        row = QHBoxLayout()
        row.addWidget(self.data_label, 1)
        row.addWidget(open_button)
        data_layout.addLayout(row)
        return data

    def _models_group(self) -> QGroupBox:
        """The pack in use with its fingerprints, the packs to switch to, and their terms."""
        models = QGroupBox(_("Face models in use"))
        models_layout = QVBoxLayout(models)
        self.models_label = selectable_label(_("Face models in use"), _("Loading…"))
        models_layout.addWidget(self.models_label)
        self.pack_choice = QComboBox()
        self.pack_choice.setAccessibleName(_("Face model pack"))
        self.pack_choice.currentIndexChanged.connect(self._describe_pack)
        self.use_pack_button = QPushButton(_("Use these models"))
        self.use_pack_button.clicked.connect(self.use_chosen_pack)
        self.add_pack_button = QPushButton(_("Add a pack folder…"))
        packs = "; ".join(
            f"{k.name} ({k.detector.name}, {k.recognizer.name})" for k in KNOWN_PACKS.values()
        )
        # Translators: {packs} lists model packs by their file names.
        self.add_pack_button.setToolTip(
            _("An unpacked insightface pack: {packs}").format(packs=packs)
        )
        self.add_pack_button.clicked.connect(self.add_pack_folder)
        pack_row = QHBoxLayout()
        pack_row.addWidget(self.pack_choice, 1)
        pack_row.addWidget(self.use_pack_button)
        pack_row.addWidget(self.add_pack_button)
        models_layout.addLayout(pack_row)
        self.pack_about = QLabel()
        self.pack_about.setWordWrap(True)
        set_text_color(self.pack_about, muted_color(self.palette()))
        models_layout.addWidget(self.pack_about)
        licence = QLabel(f"{_(PACK_LICENCE)} {_(THRESHOLD_CAVEAT)}")
        licence.setWordWrap(True)
        models_layout.addWidget(licence)
        self.pack_status = StatusLine(_("Face model status"))
        models_layout.addWidget(self.pack_status)
        self._reload_packs()
        return models

    def _delete_group(self) -> QGroupBox:
        delete = QGroupBox(_("Delete all my data"))
        delete_layout = QVBoxLayout(delete)
        explain = QLabel(
            _(
                "Removes every profile, face crop, measurement, scan result and kept evidence "
                "file from this computer. Your own photos and scanned folders are not touched."
            )
        )
        explain.setWordWrap(True)
        self.delete_button = QPushButton(_("Delete all my data…"))
        self.delete_button.clicked.connect(self.delete_all)
        self.delete_status = StatusLine(_("Deletion status"))
        delete_layout.addWidget(explain)
        delete_row = QHBoxLayout()
        delete_row.addWidget(self.delete_button)
        delete_row.addWidget(self.delete_status, 1)
        delete_layout.addLayout(delete_row)
        return delete

    @Slot()
    def _show_models(self) -> None:
        engine = self.session.engine
        if engine is None:
            return
        pack = engine.pack
        lines = [_("In use: {pack} (insightface), on this computer only:").format(pack=pack.name)]
        # Translators: a model file and the start of its fingerprint; keep "SHA-256".
        line = _("  {file}  SHA-256 {digest}…")
        lines += [
            line.format(file=name, digest=digest[:16]) for name, digest in pack.sha256.items()
        ]
        self.models_label.setText("\n".join(lines))

    def _reload_packs(self) -> None:
        from likeness_guard.core.domain.errors import ModelPackError
        from likeness_guard.core.services.packs import installed_packs

        self.pack_choice.blockSignals(True)
        self.pack_choice.clear()
        try:
            packs = installed_packs(self.session.data_dir)
        except ModelPackError as exc:
            packs = []
            self.pack_status.setText(str(exc))
        for pack in packs:
            entry = pack_entry(pack.name, builtin=pack.builtin, verified=pack.verified)
            self.pack_choice.addItem(entry, pack.name)
            if pack.in_use:
                self.pack_choice.setCurrentIndex(self.pack_choice.count() - 1)
        self.pack_choice.blockSignals(False)
        self._describe_pack()

    @Slot()
    def _describe_pack(self) -> None:
        name = self.pack_choice.currentData()
        known = KNOWN_PACKS.get(name) if isinstance(name, str) else None
        if known is not None:
            # Translators: {about} describes a model pack; {speed} says how fast it is.
            about = _("{about}. Speed: {speed}.")
            self.pack_about.setText(about.format(about=_(known.about), speed=_(known.speed)))
        else:
            unverified = _("This pack is {unverified}.").format(unverified=_(UNVERIFIED))
            self.pack_about.setText(unverified if name else "")

    @Slot()
    def use_chosen_pack(self) -> None:
        """Switch to the chosen pack in the background: load it, re-embed the references."""
        name = self.pack_choice.currentData()
        if not isinstance(name, str):
            return
        folder = self.session.data_dir

        def switch(_: TaskContext) -> object:
            from likeness_guard.core.services.packs import use_pack

            with Store(folder) as store:  # SQLite connections belong to one thread
                return use_pack(store, name)

        loading = _("Loading {pack} and embedding your reference photos again…")
        self._run_pack_job(switch, loading.format(pack=name))

    @Slot()
    def add_pack_folder(self) -> None:
        """Check a pack folder the person chose, keep a copy, and switch to it."""
        chosen = self.choose_pack_folder(self)
        if chosen is None:
            return
        folder = self.session.data_dir

        def add(_: TaskContext) -> object:
            from likeness_guard.core.services.packs import add_pack

            with Store(folder) as store:
                return add_pack(store, chosen)

        self._run_pack_job(add, _("Checking the files in {folder}…").format(folder=chosen))

    def _run_pack_job(self, job: Callable[[TaskContext], object], message: str) -> None:
        if self._pack_task is not None:
            return
        self.use_pack_button.setEnabled(False)
        self.add_pack_button.setEnabled(False)
        self.pack_status.setText(message)
        self._pack_task = run_task(
            self, "model-pack", job, finished=self._on_pack_switched, failed=self._on_pack_failed
        )

    def _end_pack_job(self) -> None:
        if self._pack_task is not None:
            self._pack_task.wait()
            self._pack_task.deleteLater()
            self._pack_task = None
        self.use_pack_button.setEnabled(True)
        self.add_pack_button.setEnabled(True)

    @Slot(object)
    def _on_pack_switched(self, change: object) -> None:
        from likeness_guard.core.services.packs import PackChange

        self._end_pack_job()
        assert isinstance(change, PackChange)
        self.session.use_engine(change.engine)
        self._reload_packs()
        self.pack_status.setText(switch_words(change.name, change.references))
        self.pack_switched.emit()

    @Slot(str)
    def _on_pack_failed(self, message: str) -> None:
        self._end_pack_job()
        self._reload_packs()
        self.pack_status.setText(message)
        self.pack_switched.emit()

    def _pack_work(self) -> str:
        return _(SWITCHING_MODELS_NOW) if self._pack_task is not None else ""

    def wait_for_pack_job(self) -> None:
        """Wait for a pack switch in progress (closing the window)."""
        if self._pack_task is not None:
            self._pack_task.wait()

    @Slot()
    def _on_preset(self) -> None:
        preferences = self.session.preferences
        for preset, button in self.preset_buttons.items():
            if button.isChecked():
                preferences.preset = preset
        custom = self.custom_button.isChecked()
        preferences.custom_threshold = self.custom_value.value() if custom else None
        self.custom_value.setEnabled(custom)
        self._describe_custom()
        self.preset_changed.emit()

    @Slot(float)
    def _on_custom_value(self, value: float) -> None:
        if not self.custom_button.isChecked():
            self.custom_button.setChecked(True)  # typing a value means using it
        self.session.preferences.custom_threshold = value
        self._describe_custom()
        self.preset_changed.emit()

    def _describe_custom(self) -> None:
        """Say what the chosen number means, in the terms of the measured presets."""
        self.custom_value.setEnabled(self.custom_button.isChecked())
        self.custom_meaning.setText(custom_threshold_words(self.custom_value.value()))

    @Slot(int)
    def _on_workers(self, index: int) -> None:
        data = self.workers_choice.itemData(index)
        self.session.preferences.scan_workers = int(data) if data is not None else None

    @Slot(bool)
    def _on_private(self, allowed: bool) -> None:
        self.session.preferences.allow_private_addresses = allowed

    def _open_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.session.data_dir)))

    # ---- passphrase protection ------------------------------------------------------------

    def _protection_group(self) -> QGroupBox:
        group = QGroupBox(_("Passphrase protection"))
        layout = QVBoxLayout(group)
        self.protection_state = QLabel()
        self.protection_state.setWordWrap(True)
        self.protection_state.setAccessibleName(_("Passphrase protection"))
        self.protect_button = QPushButton(_("Protect with a passphrase…"))
        self.protect_button.clicked.connect(self.protect_data)
        self.change_button = QPushButton(_("Change the passphrase…"))
        self.change_button.clicked.connect(self.change_passphrase)
        self.unprotect_button = QPushButton(_("Remove protection…"))
        self.unprotect_button.clicked.connect(self.remove_protection)
        self.protection_status = StatusLine(_("Passphrase protection status"))
        buttons = QHBoxLayout()
        for button in (self.protect_button, self.change_button, self.unprotect_button):
            buttons.addWidget(button)
        buttons.addStretch()
        layout.addWidget(self.protection_state)
        layout.addLayout(buttons)
        layout.addWidget(self.protection_status)
        self._show_protection_state()
        self.session.protection_started.connect(self._on_protection_started)
        self.session.protection_done.connect(self._on_protection_done)
        self.session.data_changed.connect(self._show_protection_state)  # after a deletion
        return group

    @Slot()
    def _show_protection_state(self) -> None:
        protected = self.session.protected
        self.protection_state.setText(_(PROTECTED_STATE) if protected else _(NOT_PROTECTED_STATE))
        idle = not self.session.changing_protection
        self.protect_button.setEnabled(idle and not protected)
        self.change_button.setEnabled(idle and protected)
        self.unprotect_button.setEnabled(idle and protected)

    @Slot()
    def protect_data(self) -> None:
        """Ask for a new passphrase (twice) and encrypt the data folder with it."""
        self._change_protection(ProtectionAction.PROTECT)

    @Slot()
    def change_passphrase(self) -> None:
        """Ask for the current passphrase and a new one, and encrypt everything again."""
        self._change_protection(ProtectionAction.CHANGE)

    @Slot()
    def remove_protection(self) -> None:
        """Ask for the current passphrase and decrypt the data folder."""
        self._change_protection(ProtectionAction.REMOVE)

    def _change_protection(self, action: ProtectionAction) -> None:
        reason = self.session.running_work()
        if reason:  # said before any passphrase is typed for nothing
            self.protection_status.setText(reason)
            return
        answer = self.ask_passphrases(self, action)
        if answer is None:
            self.protection_status.setText(_(NOTHING_CHANGED))
            return
        self._protection_action = action
        reason = self.session.change_protection(protection_job(action, answer))
        if reason:
            self.protection_status.setText(reason)

    @Slot()
    def _on_protection_started(self) -> None:
        for button in self._store_buttons():
            button.setEnabled(False)
        self._show_protection_state()
        self.protection_status.setText(_(WORKING[self._protection_action]))

    @Slot(object, str)
    def _on_protection_done(self, change: object, problem: str) -> None:
        for button in self._store_buttons():
            button.setEnabled(True)
        self._show_protection_state()
        done = (
            protection_words(self._protection_action, change.kept_files, change.damaged_files)
            if isinstance(change, ProtectionChange)
            else ""
        )
        self.protection_status.setText(" ".join(filter(None, (done, problem))))

    def _store_buttons(self) -> tuple[QPushButton, ...]:
        """The buttons whose work needs the data folder (not while it is re-encrypted)."""
        return (self.delete_button, self.use_pack_button, self.add_pack_button)

    def deletion_summary(self) -> str:
        """Exactly what "Delete all my data" removes, counted now."""
        return deletion_summary_words(stored_data(self.session.store))

    def delete_all(self) -> None:
        if not self.confirm(self, self.deletion_summary()):
            self.delete_status.setText(_("Nothing was deleted."))
            return
        self.about_to_delete.emit()
        self.delete_button.setEnabled(False)
        self.delete_status.setText(_("Deleting… this can take a few seconds."))
        self.session.deletion_done.connect(self._on_deleted)
        self.session.forget_in_background(None)

    @Slot(str)
    def _on_deleted(self, problem: str) -> None:
        self.session.deletion_done.disconnect(self._on_deleted)
        self.delete_button.setEnabled(True)
        if problem:
            self.delete_status.setText(problem)
            return
        self.session.preferences.forget_profile_name()
        self.delete_status.setText(_("All your data was deleted from this computer."))
        self.deleted.emit()


def protection_job(action: ProtectionAction, answer: PassphraseAnswer) -> ProtectionJob:
    """The core use case for `action`, with the passphrases typed."""
    if action is ProtectionAction.PROTECT:
        return lambda folder: protect_folder(folder, answer.new)
    if action is ProtectionAction.CHANGE:
        return lambda folder: change_passphrase(folder, answer.current, answer.new)
    return lambda folder: remove_protection(folder, answer.current)
