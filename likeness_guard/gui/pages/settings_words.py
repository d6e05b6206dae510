"""What the Settings page says: the presets' names, the cores a scan may use, what a threshold
of one's own means, the model packs listed, and exactly what "Delete all my data" removes."""

from likeness_guard.core.domain.case_words import kept_cases_words
from likeness_guard.core.domain.thresholds import PRESET_THRESHOLDS, Preset
from likeness_guard.core.services.folder import StoredData
from likeness_guard.locale import N_, _, ngettext, pgettext

# Translators: the names of the three matching presets in Settings.
PRESET_NAMES = {
    Preset.STRICT: N_("Strict"),
    Preset.BALANCED: N_("Balanced"),
    Preset.LENIENT: N_("Lenient"),
}
SWITCHING_MODELS_NOW = N_(
    "The face models are being switched. Wait until that has finished, then try again."
)


def preset_label(preset: Preset) -> str:
    """ "Balanced (similarity at least 0.40)" """
    # Translators: {preset} is Strict, Balanced or Lenient; {threshold} a number such as 0.40.
    label = _("{preset} (similarity at least {threshold})")
    return label.format(
        preset=_(PRESET_NAMES[preset]), threshold=f"{PRESET_THRESHOLDS[preset]:.2f}"
    )


def workers_choices(cores: int) -> list[tuple[str, int | None]]:
    """The entries of "A scan may use:": every core (None), then fewer, down to one."""
    every = ngettext("All {count} core (fastest)", "All {count} cores (fastest)", cores)
    choices: list[tuple[str, int | None]] = [(every.format(count=cores), None)]
    for count in range(cores - 1, 0, -1):
        choices.append(
            (ngettext("{count} core", "{count} cores", count).format(count=count), count)
        )
    return choices


def custom_threshold_words(value: float) -> str:
    """What a threshold of one's own means, in the terms of the measured presets."""
    if value < PRESET_THRESHOLDS[Preset.LENIENT]:
        meaning = _("Very eager: many look-alikes will be listed; check each one by hand.")
    elif value < PRESET_THRESHOLDS[Preset.BALANCED]:
        meaning = _("Between lenient and balanced: few misses, some look-alikes.")
    elif value <= PRESET_THRESHOLDS[Preset.STRICT]:
        meaning = _("Between balanced and strict.")
    else:
        meaning = _("Stricter than strict: edited or low-quality images of you may be missed.")
    # Translators: {value} is a similarity such as 0.42.
    rule = _("Faces at least {value} similar to one of your photos count as matches.")
    return f"{rule.format(value=f'{value:.2f}')} {meaning}"


def pack_entry(name: str, *, builtin: bool, verified: bool) -> str:
    """A model pack as listed: "buffalo_s (built in)", "(added)" or "(unverified)"."""
    if builtin:
        return _("{pack} (built in)").format(pack=name)
    if verified:
        return _("{pack} (added)").format(pack=name)
    return _("{pack} (unverified)").format(pack=name)


def deletion_summary_words(data: StoredData) -> str:
    """Exactly what "Delete all my data" removes, from the counts of `data`."""
    # Translators: said when no profile exists, in "0 profiles (none)".
    names = ", ".join(data.profile_names) or pgettext("no profile", "none")
    profiles = len(data.profile_names)
    crops = ngettext("{count} face crop", "{count} face crops", data.references)
    # Translators: {names} lists the profiles' names; {crops} is "1 face crop" or "3 face crops".
    profiles_line = ngettext(
        "• {count} profile ({names}) with {crops} and face measurements;",
        "• {count} profiles ({names}) with {crops} and face measurements;",
        profiles,
    ).format(count=profiles, names=names, crops=crops.format(count=data.references))
    files = ngettext("{count} file", "{count} files", data.items).format(count=data.items)
    matches = ngettext("{count} match", "{count} matches", data.matches)
    # Translators: {files} is "1 file" or "3 files", {matches} "1 match" or "2 matches".
    scans_line = ngettext(
        "• {count} scan with the results for {files}, including {matches} and your "
        "“This is me” / “Not me” answers;",
        "• {count} scans with the results for {files}, including {matches} and your "
        "“This is me” / “Not me” answers;",
        data.scans,
    ).format(count=data.scans, files=files, matches=matches.format(count=data.matches))
    evidence_line = ngettext(
        "• {count} evidence file: the copies kept of matched images and pages.",
        "• {count} evidence files: the copies kept of matched images and pages.",
        data.evidence_files,
    ).format(count=data.evidence_files)
    head = _("This deletes, from {folder}:").format(folder=data.folder)
    tail = _("Your own photos and the folders you scanned are not touched. This cannot be undone.")
    kept = kept_cases_words(data.other_cases, data.collections)
    kept += "\n\n" if kept else ""
    return f"{head}\n{profiles_line}\n{scans_line}\n{evidence_line}\n\n{kept}{tail}"
