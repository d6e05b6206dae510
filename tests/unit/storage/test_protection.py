"""A data folder protected with a passphrase: nothing readable at rest, nothing without it."""

import hashlib
import io
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.domain.words import FINISHED_PROTECTION_NOTICE
from likeness_guard.core.report.signing import (
    KEY_FILE,
    KEY_FOLDER,
    existing_identity,
    installation_fingerprint,
    installation_identity,
)
from likeness_guard.core.storage import crypto, protection
from likeness_guard.core.storage.recovery import prepare_folder
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main
from tests.unit.storage.fill import add_person, add_scan

PASSPHRASE = "correct horse battery staple"
NAME = "Jane Q. Secretname"


@pytest.fixture(autouse=True)
def no_keys_left() -> Iterator[None]:
    yield
    protection.forget_keys()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 90)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, np.ndarray]:
    data = tmp_path / "data"
    with Store.open(data) as store:
        _, embedding = add_person(store, NAME)
        add_scan(store, NAME, 5, evidence=2, folder="/home/jane/very-private-folder")
        store.evidence.put(jpeg_bytes())
        store.evidence.put(png_bytes())
    installation_identity(data)  # a report was signed before protection was turned on
    (tmp_path / "pass.txt").write_text(PASSPHRASE + "\n")
    return data, embedding


def everything_in(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())


def test_after_protect_no_file_holds_anything_readable(
    folder: tuple[Path, np.ndarray], tmp_path: Path
) -> None:
    data, embedding = folder
    before = everything_in(data)
    assert b"SQLite format 3" in before  # the search finds them when they are there
    assert NAME.encode() in before
    assert b"PRIVATE KEY" in before
    assert jpeg_bytes()[:11] in before
    assert b"image 1-0" in before
    signer = installation_identity(data).fingerprint
    pass_file = str(tmp_path / "pass.txt")
    assert main(["--data-dir", str(data), "--passphrase-file", pass_file, "protect"]) == 0
    raw = everything_in(data)
    assert embedding.astype("<f4").tobytes()[:32] not in raw
    # Signatures long enough that ciphertext never holds them by chance (three bytes did,
    # once in about a hundred runs).
    assert jpeg_bytes()[:11] not in raw  # no JPEG: its start, to the JFIF name
    assert b"\x89PNG\r\n\x1a\n" not in raw  # no PNG, not even the face thumbnails
    assert b"image 1-0" not in raw  # nor a kept item's bytes
    assert b"SQLite format 3" not in raw
    assert b"PRIVATE KEY" not in raw  # no one can sign as this installation with the files
    for text in (NAME, "Secretname", "very-private-folder", "photo-1.jpg", "reference.jpg"):
        assert text.encode() not in raw, text
    assert sorted(p.name for p in data.iterdir()) == [
        "deletions.journal",
        "deletions.reserve",
        "evidence",
        "likeness-guard.sqlite3",
        "locks",
        "protection.copy.json",
        "protection.json",
        "signing",
    ]
    protection.forget_keys()  # a new process: the certificate is public, the key is sealed
    assert installation_fingerprint(data) == signer
    with pytest.raises(protection.PassphraseNeeded):
        existing_identity(data)
    protection.unlock(data, PASSPHRASE)
    identity = installation_identity(data)
    assert identity.fingerprint == signer
    assert b"PRIVATE KEY" in identity.key_pem


def test_a_key_made_in_a_protected_folder_is_sealed_and_an_old_plain_one_on_first_use(
    folder: tuple[Path, np.ndarray],
) -> None:
    data, _ = folder
    key_file = data / KEY_FOLDER / KEY_FILE
    old_plain = key_file.read_bytes()
    shutil.rmtree(data / KEY_FOLDER)
    protection.protect(data, PASSPHRASE)
    made = installation_identity(data)
    assert key_file.read_bytes().startswith(crypto.SEALED_MAGIC)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert installation_identity(data).key_pem == made.key_pem

    key_file.write_bytes(old_plain)  # what a protected folder of an earlier version held
    assert existing_identity(data) is not None
    assert key_file.read_bytes().startswith(crypto.SEALED_MAGIC)
    assert b"PRIVATE KEY" not in everything_in(data)
    identity = existing_identity(data)
    assert identity is not None
    assert identity.key_pem == old_plain


def test_every_command_needs_the_passphrase(
    folder: tuple[Path, np.ndarray], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, _ = folder
    pass_file = str(tmp_path / "pass.txt")
    assert main(["--data-dir", str(data), "--passphrase-file", pass_file, "protect"]) == 0
    protection.forget_keys()  # a new process
    capsys.readouterr()
    for command in (["profiles"], ["scans"], ["forget", "--all"], ["report", "--out", "x.pdf"]):
        assert main(["--data-dir", str(data), *command]) == 3, command
        assert "--passphrase-file" in capsys.readouterr().err
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    assert main(["--data-dir", str(data), "--passphrase-file", str(wrong), "profiles"]) == 3
    assert "does not open" in capsys.readouterr().err
    assert main(["--data-dir", str(data), "--passphrase-file", pass_file, "profiles"]) == 0
    assert NAME in capsys.readouterr().out


def test_kept_images_read_back_exactly_and_tampering_is_noticed(
    folder: tuple[Path, np.ndarray], tmp_path: Path
) -> None:
    data, _ = folder
    assert (
        main(["--data-dir", str(data), "--passphrase-file", str(tmp_path / "pass.txt"), "protect"])
        == 0
    )
    picture = jpeg_bytes()
    with Store.open(data) as store:
        sha = hashlib.sha256(picture).hexdigest()
        assert store.evidence.get(sha) == picture
        assert store.evidence.verify(sha)
        assert store.evidence.path_for(sha).name != sha  # the name does not give it away
        sealed = bytearray(store.evidence.path_for(sha).read_bytes())
        sealed[-5] ^= 1
        store.evidence.path_for(sha).write_bytes(bytes(sealed))
        assert not store.evidence.verify(sha)
        assert store.evidence.get(sha) is None
        # New scans write encrypted too.
        profile = store.profile(NAME)
        assert profile is not None
        add_scan(store, NAME, 2, evidence=1, folder="/home/jane/another-place")
    assert b"another-place" not in everything_in(data)


def test_an_interrupted_protect_is_finished_when_unlocked(
    folder: tuple[Path, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, _ = folder

    def crash(folder: Path) -> None:
        raise KeyboardInterrupt  # killed right after the switch

    real_finish = protection._finish
    monkeypatch.setattr(protection, "_finish", crash)
    with pytest.raises(KeyboardInterrupt):
        protection.protect(data, PASSPHRASE)
    monkeypatch.setattr(protection, "_finish", real_finish)
    protection.forget_keys()
    with pytest.raises(StoreError, match="interrupted"):
        Store.open(data)  # nothing opens half-changed files
    assert prepare_folder(data) == [FINISHED_PROTECTION_NOTICE]  # the next start
    protection.unlock(data, PASSPHRASE)
    with Store.open(data) as store:
        assert [p.name for p in store.profiles()] == [NAME]
    assert b"SQLite format 3" not in everything_in(data)
    assert NAME.encode() not in everything_in(data)
    assert b"PRIVATE KEY" not in everything_in(data)
