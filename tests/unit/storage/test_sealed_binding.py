"""Sealed files bound to their role and name, and protection settings that cannot be changed
unnoticed (issue 31): swaps are found out, old files still open, and a changed settings file
is put back from its copy or explained, never a silent lock-out."""

import base64
import hashlib
import hmac
import io
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.report.signing import KEY_FILE, KEY_FOLDER, existing_identity
from likeness_guard.core.storage import crypto, protection
from likeness_guard.core.storage.layout import PROTECTION_COPY_NAME, PROTECTION_NAME
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main
from tests.unit.storage.fill import add_person

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def no_keys_left() -> Iterator[None]:
    yield
    protection.forget_keys()


def picture(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        add_person(store, "me")
    protection.protect(folder, PASSPHRASE)
    (tmp_path / "pass.txt").write_text(PASSPHRASE + "\n")
    return folder


def swap(first: Path, second: Path) -> None:
    aside = first.with_name("aside")
    os.replace(first, aside)
    os.replace(second, first)
    os.replace(aside, second)


def legacy_seal(key: bytes, data: bytes) -> bytes:
    """A file sealed as versions before the binding did (`LGE2`, one piece, no name)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    prefix = secrets.token_bytes(8)
    sealed = AESGCM(key).encrypt(prefix + bytes(4), data, b"likeness-guard evidence\x01")
    return b"LGE2" + prefix + len(sealed).to_bytes(4, "big") + sealed


# --- sealed files bound to their names ------------------------------------------------------


def test_two_kept_files_swapped_on_disk_no_longer_open(data: Path) -> None:
    with Store.open(data) as store:
        first, second = (
            store.evidence.put(picture((200, 0, 0))),
            store.evidence.put(picture((0, 0, 200))),
        )
        paths = store.evidence.path_for(first), store.evidence.path_for(second)
        assert crypto.is_bound(paths[0].read_bytes())
        swap(*paths)
        assert store.evidence.get(first) is None  # not the other picture under its name
        assert store.evidence.get(second) is None
        assert not store.evidence.verify(first)
        swap(*paths)
        assert store.evidence.get(first) == picture((200, 0, 0))


def test_a_kept_file_put_in_the_signing_keys_place_does_not_open(data: Path) -> None:
    from likeness_guard.core.report.signing import installation_identity

    installation_identity(data)
    with Store.open(data) as store:
        kept = store.evidence.path_for(store.evidence.put(picture((1, 2, 3))))
    key_file = data / KEY_FOLDER / KEY_FILE
    key_file.write_bytes(kept.read_bytes())  # sealed under the same key, another name
    with pytest.raises(ValueError, match="swapped"):
        protection.opened_secret(data, key_file.read_bytes())
    with pytest.raises(UserFacingError, match="cannot be opened"):
        existing_identity(data)


def test_files_sealed_before_the_binding_open_and_a_passphrase_change_binds_them(
    data: Path,
) -> None:
    key = protection.held_key(data)
    assert key is not None
    pictures = [picture((255, 0, 0)), picture((0, 255, 0))]
    with Store.open(data) as store:
        shas = [store.evidence.put(p) for p in pictures]
        paths = [store.evidence.path_for(sha) for sha in shas]
        for path, plain in zip(paths, pictures, strict=True):
            path.write_bytes(legacy_seal(key.evidence, plain))
        assert [store.evidence.get(sha) for sha in shas] == pictures  # still read
        swap(*paths)  # unbound: the hash of what opens finds the swap out
        assert [store.evidence.get(sha) for sha in shas] == [None, None]
        swap(*paths)
    protection.change_passphrase(data, PASSPHRASE, "another long passphrase")
    with Store.open(data) as store:
        moved = [store.evidence.path_for(sha) for sha in shas]
        assert all(crypto.is_bound(path.read_bytes()) for path in moved)
        assert [store.evidence.get(sha) for sha in shas] == pictures


# --- the protection settings, authenticated and kept twice ----------------------------------


def settings_of(path: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(path.read_text())
    return loaded


def rewrite(path: Path, **changes: object) -> None:
    path.write_text(json.dumps({**settings_of(path), **changes}))


def opens(folder: Path) -> list[str]:
    with Store.open(folder) as store:
        return [p.name for p in store.profiles()]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda main_file: rewrite(main_file, salt=base64.b64encode(bytes(16)).decode()),
        lambda main_file: rewrite(main_file, time_cost=1),
        lambda main_file: main_file.write_text("{not json"),
        lambda main_file: main_file.unlink(),
        lambda main_file: main_file.with_name(PROTECTION_COPY_NAME).unlink(),
    ],
    ids=["salt", "cost", "garbage", "deleted", "copy-deleted"],
)
def test_one_changed_settings_file_is_put_back_and_the_person_told(
    data: Path, tamper: object
) -> None:
    main_file = data / PROTECTION_NAME
    original = main_file.read_bytes()
    tamper(main_file)  # type: ignore[operator]
    protection.forget_keys()
    assert protection.is_protected(data)
    notice = protection.unlock(data, PASSPHRASE)
    assert notice is not None
    assert "put back" in notice
    assert "lock you out" in notice
    assert main_file.read_bytes() == original
    assert (data / PROTECTION_COPY_NAME).read_bytes() == original
    assert opens(data) == ["me"]
    protection.forget_keys()
    assert protection.unlock(data, PASSPHRASE) is None  # told once: both agree again


def test_settings_no_version_writes_are_refused_before_any_key_is_derived(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    terabytes = 2**40 // 1024  # Argon2 would try to allocate 1 TiB
    for name in (PROTECTION_NAME, PROTECTION_COPY_NAME):
        rewrite(data / name, memory_cost=terabytes)
    protection.forget_keys()
    with pytest.raises(protection.SettingsChanged) as raised:  # Argon2 is never asked for 1 TiB
        protection.unlock(data, PASSPHRASE)
    message = str(raised.value)
    assert "memory_cost" in message
    assert "not touched" in message
    assert "backup" in message
    code = main(
        ["--data-dir", str(data), "--passphrase-file", str(tmp_path / "pass.txt"), "profiles"]
    )
    assert code == 2
    assert "were changed or damaged" in capsys.readouterr().err


def test_both_files_changed_alike_read_as_a_wrong_passphrase(data: Path) -> None:
    # Every setting is covered by the check: even one that no key is derived from.
    for name in (PROTECTION_NAME, PROTECTION_COPY_NAME):
        rewrite(data / name, database="plaintext")
    protection.forget_keys()
    with pytest.raises(protection.WrongPassphrase):
        protection.unlock(data, PASSPHRASE)


def test_both_files_damaged_say_what_to_do_and_delete_nothing(data: Path) -> None:
    for name in (PROTECTION_NAME, PROTECTION_COPY_NAME):
        (data / name).write_bytes(b"\x00" * 40)
    before = sorted(p.name for p in data.rglob("*"))
    protection.forget_keys()
    with pytest.raises(protection.SettingsChanged, match=r"Put back protection\.json"):
        protection.unlock(data, PASSPHRASE)
    with pytest.raises(protection.PassphraseNeeded):
        Store.open(data)  # still protected: nothing is opened as if it were plain
    assert sorted(p.name for p in data.rglob("*")) == before


def test_a_folder_protected_by_an_earlier_version_opens_and_gets_its_copy(data: Path) -> None:
    from argon2.low_level import Type, hash_secret_raw

    main_file = data / PROTECTION_NAME
    settings = settings_of(main_file)
    master = hash_secret_raw(
        PASSPHRASE.encode(),
        base64.b64decode(str(settings["salt"])),
        time_cost=3,
        memory_cost=128 * 1024,
        parallelism=2,
        hash_len=32,
        type=Type.ID,
    )
    check = hmac.new(master, b"likeness-guard passphrase check", hashlib.sha256).digest()
    settings.update(version=1, check=base64.b64encode(check).decode())
    main_file.write_text(json.dumps(settings))  # as version 1 wrote it: no copy
    (data / PROTECTION_COPY_NAME).unlink()
    protection.forget_keys()
    with pytest.raises(protection.WrongPassphrase):
        protection.unlock(data, "not the passphrase")
    assert protection.unlock(data, PASSPHRASE) is None  # nothing was changed by anyone
    assert settings_of(main_file)["version"] == 2
    assert (data / PROTECTION_COPY_NAME).read_bytes() == main_file.read_bytes()
    assert opens(data) == ["me"]
