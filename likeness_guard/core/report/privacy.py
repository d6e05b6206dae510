"""What a report may say about the person who made it: privacy by default.

The name given for the report replaces the profile's name everywhere; local paths are shown
relative to what was scanned; reference photos are numbered, not named; scanned copies of
the person's own reference photos are marked and, unless asked, left out. The report and its
manifest are built from the records this module returns, so neither can forget a rule.
"""

from dataclasses import dataclass, replace
from pathlib import Path, PurePath

from likeness_guard.core.domain.records import ReferenceFace, Scan, ScanItem
from likeness_guard.core.sources.web.addresses import is_web_address
from likeness_guard.locale import _


@dataclass(frozen=True)
class ReportPrivacy:
    """What the person chose to reveal. The defaults reveal the least."""

    name: str | None = None  # printed instead of the profile's name (None: the profile's)
    full_paths: bool = False  # absolute local paths instead of paths relative to the scan
    reference_names: bool = False  # the reference photos' file names instead of numbers
    include_own_photos: bool = False  # scanned copies of the reference photos themselves


class Presenter:
    """Turns a scan and its items into what the report shows, under `ReportPrivacy`."""

    def __init__(self, scan: Scan, references: list[ReferenceFace], privacy: ReportPrivacy) -> None:
        self.privacy = privacy
        self.name = (privacy.name or "").strip() or scan.profile_name
        self._scan = scan
        self._reference_numbers = {ref.id: n for n, ref in enumerate(references, start=1)}
        self._reference_names = {ref.id: ref.source_name for ref in references}
        self._own_sha256 = {ref.source_sha256 for ref in references}
        # Longest first, so that a folder inside another scanned folder wins.
        self._roots = sorted(
            (PurePath(text) for text in scan.inputs if not is_web_address(text)),
            key=lambda path: len(path.parts),
            reverse=True,
        )

    def scan(self) -> Scan:
        """The scan with the chosen name and the inputs as shown."""
        return replace(
            self._scan,
            profile_name=self.name,
            inputs=tuple(self.path(text) for text in self._scan.inputs),
        )

    def item(self, item: ScanItem) -> ScanItem:
        """The item with its local path shown as chosen (web addresses stay whole)."""
        if item.file is None and is_web_address(item.source):
            return item
        shown = replace(item, source=self.path(item.source))
        if item.file is not None:
            shown = replace(shown, file=replace(item.file, path=self.path(item.file.path)))
        if item.chat is not None and item.chat.export_file:  # the export's own file too
            chat = replace(item.chat, export_file=self.path(item.chat.export_file))
            shown = replace(shown, chat=chat)
        return shown

    def path(self, text: str) -> str:
        """A local path relative to the scanned folder or file that holds it (named by its
        last part), unless full paths were asked for; web addresses unchanged."""
        if self.privacy.full_paths or is_web_address(text):
            return text
        path = PurePath(text)
        for root in self._roots:
            if path == root or path.is_relative_to(root):
                return str(PurePath(_root_label(root)) / path.relative_to(root))
        return path.name or text

    def is_own_photo(self, item: ScanItem) -> bool:
        """True when the item's bytes are those of one of the person's reference photos."""
        return item.sha256 is not None and item.sha256 in self._own_sha256

    def reference_label(self, reference_id: int | None) -> str:
        """ "reference photo 2", or the photo's file name when the person asked for it: the
        manifest's words, in English whatever the report's language."""
        if reference_id is None or reference_id not in self._reference_numbers:
            return "a reference photo that was removed since"
        if self.privacy.reference_names:
            return self._reference_names[reference_id]
        return f"reference photo {self._reference_numbers[reference_id]}"

    def reference_caption(self, reference_id: int | None) -> str:
        """`reference_label` as the PDF prints it, in the language in use."""
        if reference_id is None or reference_id not in self._reference_numbers:
            return _("a reference photo that was removed since")
        if self.privacy.reference_names:
            return self._reference_names[reference_id]
        number = self._reference_numbers[reference_id]
        return _("reference photo {number}").format(number=number)


def _root_label(root: PurePath) -> str:
    """How a scanned folder is named in the report: its own name, never the home folder's
    (which is usually the person's user name)."""
    try:
        if Path(root) == Path.home():
            return "home folder"
    except RuntimeError:  # no home folder can be determined
        pass
    return root.name or "scanned folder"
