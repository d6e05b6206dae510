"""Where a collection keeps its files, and which names a collection may have."""

import re
from pathlib import Path

from likeness_guard.core.storage.layout import COLLECTIONS_FOLDER, workspace_of

MANIFEST_NAME = "manifest.json"
SHARDS_FOLDER = "shards"
INDEX_FOLDER = "index"
# Bytes of web images and of the pages they were found on: a local file is read where it
# lies when it matches, but a web resource is not fetched again (no network at match time).
BLOBS_FOLDER = "blobs"
# Held by whatever writes the collection (an add, an index build, a removal): one at a time.
WRITE_LOCK = "write.lock"
IMAGES_SUFFIX = ".images.parquet"
FACES_SUFFIX = ".faces.parquet"
# Letters, digits, dot, dash and underscore; no leading dot (never a hidden or relative name).
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$")


def valid_name(name: str) -> bool:
    """Whether `name` can name a collection (a folder name on every platform)."""
    return bool(_NAME.match(name)) and name not in {".", ".."}


def collections_root(data_folder: Path) -> Path:
    """The folder holding every collection of the workspace `data_folder` belongs to."""
    return workspace_of(data_folder) / COLLECTIONS_FOLDER


def collection_folder(data_folder: Path, name: str) -> Path:
    """The folder of the collection `name` (which must be a `valid_name`)."""
    if not valid_name(name):
        raise ValueError(f"not a collection name: {name!r}")
    return collections_root(data_folder) / name
