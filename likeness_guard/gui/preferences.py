"""The window's remembered choices (QSettings): page, geometry, preset, current profile."""

from PySide6.QtCore import QByteArray, QSettings

from likeness_guard.core.domain.thresholds import (
    DEFAULT_PRESET,
    DEFAULT_PROFILE,
    Preset,
    resolve_threshold,
)
from likeness_guard.gui.widgets.match_card import DEFAULT_TILE_SIDE, TILE_SIDES

ORGANIZATION = "LikenessGuard"
APPLICATION = "likeness-guard"


class Preferences:
    """Typed access to QSettings; tests pass their own QSettings file."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings if settings is not None else QSettings(ORGANIZATION, APPLICATION)

    def _text(self, key: str, default: str) -> str:
        value = self.settings.value(key, default)
        return value if isinstance(value, str) else default

    def _bool(self, key: str, default: bool) -> bool:
        value = self.settings.value(key, default)
        if isinstance(value, str):  # INI files give strings back
            return value.lower() in ("true", "1", "yes")
        return bool(value)

    @property
    def language(self) -> str:
        """The language chosen in Settings ("" = the system's)."""
        return self._text("window/language", "")

    @language.setter
    def language(self, value: str) -> None:
        self.settings.setValue("window/language", value)

    @property
    def preset(self) -> Preset:
        try:
            return Preset(self._text("matching/preset", DEFAULT_PRESET.value))
        except ValueError:
            return DEFAULT_PRESET

    @preset.setter
    def preset(self, value: Preset) -> None:
        self.settings.setValue("matching/preset", value.value)

    @property
    def custom_threshold(self) -> float | None:
        """A threshold the user typed, which wins over the preset; None when unset."""
        value = self.settings.value("matching/custom_threshold", None)
        try:
            threshold = float(str(value)) if value not in (None, "") else None
        except ValueError:
            return None
        return threshold if threshold is not None and 0.0 < threshold < 1.0 else None

    @custom_threshold.setter
    def custom_threshold(self, value: float | None) -> None:
        if value is None:
            self.settings.remove("matching/custom_threshold")
        else:
            self.settings.setValue("matching/custom_threshold", f"{value:.2f}")

    @property
    def threshold(self) -> float:
        """The threshold in use: the custom one when set, else the preset's."""
        return resolve_threshold(self.preset, self.custom_threshold)[0]

    @property
    def allow_private_addresses(self) -> bool:
        return self._bool("web/allow_private_addresses", False)

    @allow_private_addresses.setter
    def allow_private_addresses(self, value: bool) -> None:
        self.settings.setValue("web/allow_private_addresses", value)

    @property
    def scan_workers(self) -> int | None:
        """How many cores a scan may use (one worker process each); None: every core."""
        value = self.settings.value("scan/workers", None)
        try:
            workers = int(str(value)) if value not in (None, "") else None
        except ValueError:
            return None
        return workers if workers is not None and workers >= 1 else None

    @scan_workers.setter
    def scan_workers(self, value: int | None) -> None:
        if value is None:
            self.settings.remove("scan/workers")
        else:
            self.settings.setValue("scan/workers", int(value))

    @property
    def profile_name(self) -> str:
        return self._text("profile/current", DEFAULT_PROFILE)

    @profile_name.setter
    def profile_name(self, value: str) -> None:
        self.settings.setValue("profile/current", value)

    @property
    def last_page(self) -> str:
        return self._text("window/last_page", "")

    @last_page.setter
    def last_page(self, value: str) -> None:
        self.settings.setValue("window/last_page", value)

    @property
    def geometry(self) -> QByteArray | None:
        value = self.settings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.settings.setValue("window/geometry", value)

    @property
    def tile_side(self) -> int:
        """How large the pictures in the Matches grid are, in pixels."""
        value = self.settings.value("matches/tile_side", DEFAULT_TILE_SIDE)
        try:
            side = int(str(value))
        except ValueError:
            return DEFAULT_TILE_SIDE
        return min(max(side, TILE_SIDES[0]), TILE_SIDES[1])

    @tile_side.setter
    def tile_side(self, value: int) -> None:
        self.settings.setValue("matches/tile_side", int(value))

    @property
    def show_face_crops(self) -> bool:
        return self._bool("matches/show_face_crops", True)

    @show_face_crops.setter
    def show_face_crops(self, value: bool) -> None:
        self.settings.setValue("matches/show_face_crops", value)

    @property
    def caseworker(self) -> str:
        """Who works in this window, for the cases' audit logs ("" = nobody named)."""
        return self._text("cases/caseworker", "")

    @caseworker.setter
    def caseworker(self, value: str) -> None:
        self.settings.setValue("cases/caseworker", value)

    def forget_profile_name(self) -> None:
        """Drop the remembered profile name (it may be a person's name) after deleting data."""
        self.settings.remove("profile/current")

    def sync(self) -> None:
        self.settings.sync()
