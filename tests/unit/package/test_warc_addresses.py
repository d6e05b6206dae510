"""Each web capture names the server's IP address it came from, in the WARC file
(WARC-IP-Address) and in the signed manifest; captures kept before that was recorded have
none and still verify."""

import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from likeness_guard.core.package.package import PackageResult, export_package
from likeness_guard.core.storage.layout import DB_NAME
from likeness_guard.core.storage.store import Store
from tests.unit.package.test_package import MANIFEST_NAME, package, verify
from tests.unit.report.conftest import EvidenceData

__all__ = ["package"]  # the module's package fixture, shared


def addresses(warc: bytes) -> list[tuple[str, str | None]]:
    return [
        (record.rec_type, record.rec_headers.get_header("WARC-IP-Address"))
        for record in ArchiveIterator(io.BytesIO(warc))
    ]


def test_each_request_and_response_names_the_server_address(
    package: tuple[Path, PackageResult],
) -> None:
    folder, _ = package
    found = addresses((folder / "web/003.warc.gz").read_bytes())
    assert found == [("warcinfo", None)] + [
        (kind, "127.0.0.1") for _ in range(3) for kind in ("request", "response")
    ]  # the redirect hop, the image, the page
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    [warc] = manifest["package"]["warc"]
    assert [r["ip_address"] for r in warc["records"]] == [None] + ["127.0.0.1"] * 6


def test_captures_kept_before_addresses_were_recorded_have_none(
    evidence_data: EvidenceData, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(evidence_data.folder, data)
    db = sqlite3.connect(data / DB_NAME)  # the captures as an older version kept them
    with db:
        assert db.execute("UPDATE http_captures SET ip_address = NULL").rowcount > 0
    db.close()
    with Store.open(data) as store:
        export_package(store, evidence_data.scan_id, tmp_path / "package")
    found = addresses((tmp_path / "package" / "web/003.warc.gz").read_bytes())
    assert len(found) == 7
    assert {address for _kind, address in found} == {None}
    code, out = verify(tmp_path / "package", tmp_path, capsys)
    assert code == 0, out
