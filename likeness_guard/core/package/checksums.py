"""The package's checksum lists, SHA256SUMS and MD5SUMS, in the format `sha256sum -c` reads."""

import hashlib
from collections.abc import Iterator
from pathlib import Path

# Each list, and the hash it holds.
SUMS = (("SHA256SUMS", "sha256"), ("MD5SUMS", "md5"))
SUMS_FILES = tuple(name for name, _algorithm in SUMS)


def write_sums(folder: Path) -> None:
    """SHA256SUMS and MD5SUMS of every file in `folder` but themselves."""
    names = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name not in SUMS_FILES
    )
    for sums, algorithm in SUMS:
        text = "".join(
            f"{hashlib.new(algorithm, (folder / name).read_bytes()).hexdigest()}  {name}\n"
            for name in names
        )
        (folder / sums).write_text(text, encoding="utf-8")


def parse_sums(data: bytes) -> Iterator[tuple[str, str]]:
    """(file, digest) pairs of `sha256sum` output: "<hex>  <name>" or "<hex> *<name>"."""
    for line in data.decode("utf-8", "replace").splitlines():
        digest, _, name = line.strip().partition(" ")
        name = name.lstrip(" *")
        if digest and name:
            yield name, digest.lower()
