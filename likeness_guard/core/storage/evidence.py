"""The evidence folder: exact bytes of matched images and their pages, named by SHA-256."""

import hashlib
from pathlib import Path

from likeness_guard.core.storage.paths import write_atomic


class EvidenceFolder:
    """Content-addressed files under `<data dir>/evidence/ab/abcdef...`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Keep `data` (once) and return its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        path = self.path_for(digest)
        if not path.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomic(path, data)
        return digest

    def get(self, sha256: str) -> bytes | None:
        """Return the kept bytes, or None when they are not here."""
        try:
            return self.path_for(sha256).read_bytes()
        except FileNotFoundError:
            return None

    def verify(self, sha256: str) -> bool:
        """True when the kept file exists and still hashes to its name."""
        data = self.get(sha256)
        return data is not None and hashlib.sha256(data).hexdigest() == sha256

    def count(self) -> int:
        """How many files are kept."""
        return sum(1 for p in self.root.glob("*/*") if p.is_file()) if self.root.is_dir() else 0
