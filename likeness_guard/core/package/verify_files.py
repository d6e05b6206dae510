"""What verifying a package reads: its files (a folder, a .zip, or a PDF with its manifest
beside it), found and opened with plain-worded errors, and the differences between two
manifests."""

import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.report.manifest import manifest_path_for
from likeness_guard.locale import _, ngettext


class PackageFiles:
    """The files of a package (a folder or a .zip), or the folder of a bare PDF."""

    def __init__(self, files: dict[str, Any], reader: Any) -> None:
        self._files = files  # relative POSIX path -> what `reader` needs
        self._reader = reader

    def names(self) -> set[str]:
        return set(self._files)

    def read(self, name: str) -> bytes | None:
        key = self._files.get(name)
        if key is None:
            return None
        try:
            data: bytes = self._reader(key)
        except (OSError, zipfile.BadZipFile, ValueError):
            return None
        return data


def _folder_files(folder: Path) -> PackageFiles:
    files = {
        path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    return PackageFiles(files, lambda path: path.read_bytes())


def _zip_files(path: Path) -> PackageFiles:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UserFacingError(
            _(
                "{name} cannot be opened as a .zip file ({reason}). Give the evidence "
                "package's folder or .zip, or the report's .pdf file."
            ).format(name=path.name, reason=exc)
        ) from exc
    members = [info for info in archive.infolist() if not info.is_dir()]
    names = [PurePosixPath(info.filename) for info in members]
    tops = {name.parts[0] for name in names if len(name.parts) > 1}
    # A package zipped with its folder around it: paths inside are relative to that folder.
    strip = len(tops) == 1 and all(len(name.parts) > 1 for name in names)
    files = {
        (PurePosixPath(*name.parts[1:]) if strip else name).as_posix(): info
        for name, info in zip(names, members, strict=True)
    }
    return PackageFiles(files, archive.read)


def open_target(target: Path) -> tuple[bool, PackageFiles, str]:
    """(is a package, its files, the report PDF's name among them)."""
    if not target.exists():
        raise UserFacingError(
            _(
                "There is no file or folder at {path}. Check the name, and give the report's "
                ".pdf file, or the folder or .zip of an evidence package."
            ).format(path=target)
        )
    if target.is_dir():
        files = _folder_files(target)
        return True, files, _report_pdf(files, target)
    with target.open("rb") as stream:
        head = stream.read(5)
    if head.startswith(b"PK\x03\x04") or target.suffix.lower() == ".zip":
        files = _zip_files(target)
        return True, files, _report_pdf(files, target)
    if not head.startswith(b"%PDF-"):
        raise UserFacingError(
            _(
                "{name} is not a PDF file (it does not start as one). Give the report's .pdf "
                "file, or the folder or .zip of an evidence package."
            ).format(name=target.name)
        )
    beside = manifest_path_for(target)
    files = PackageFiles({target.name: target, beside.name: beside}, lambda path: path.read_bytes())
    return False, files, target.name


def _report_pdf(files: PackageFiles, target: Path) -> str:
    pdfs = sorted(name for name in files.names() if "/" not in name and name.endswith(".pdf"))
    if not pdfs:
        raise UserFacingError(
            _(
                "{name} holds no report PDF at its top level, so it is not an evidence package "
                "made by Likeness Guard. Give the package's folder or .zip, or the report's .pdf."
            ).format(name=target.name)
        )
    if len(pdfs) > 1:
        raise UserFacingError(
            ngettext(
                "{name} holds {count} PDF file at its top level, so it is not an evidence "
                "package made by Likeness Guard. Give the package's folder or .zip, or the "
                "report's .pdf.",
                "{name} holds {count} PDF files at its top level, so it is not an evidence "
                "package made by Likeness Guard. Give the package's folder or .zip, or the "
                "report's .pdf.",
                len(pdfs),
            ).format(name=target.name, count=len(pdfs))
        )
    return pdfs[0]


def differences(mine: Any, theirs: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Every path where two JSON values differ, as `items[0].url` style names."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        for key in sorted(set(mine) | set(theirs)):
            where = f"{path}.{key}" if path else str(key)
            if key not in mine:
                yield where, NOTHING, theirs[key]
            elif key not in theirs:
                yield where, mine[key], NOTHING
            else:
                yield from differences(mine[key], theirs[key], where)
    elif isinstance(mine, list) and isinstance(theirs, list):
        for index in range(max(len(mine), len(theirs))):
            where = f"{path}[{index}]"
            if index >= len(mine):
                yield where, NOTHING, theirs[index]
            elif index >= len(theirs):
                yield where, mine[index], NOTHING
            else:
                yield from differences(mine[index], theirs[index], where)
    elif mine != theirs or type(mine) is not type(theirs):
        yield path, mine, theirs


class _Nothing:
    """Where one manifest has a field and the other has none."""


NOTHING = _Nothing()


def show(value: Any) -> str:
    """A JSON value as a finding quotes it, cut at 120 characters."""
    if value is NOTHING:
        return _("(nothing)")
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    return text if len(text) <= 120 else text[:117] + "…"
