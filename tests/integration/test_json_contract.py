"""The CLI's JSON documents are a contract: the same input gives the same keys and values.

Golden copies live in tests/integration/golden/. Times, temporary paths, ports and the PDF's
own hash change from run to run and are replaced by placeholders before comparing; every
other key and value must stay as it is. After a deliberate change of the contract, write the
files again with `LG_UPDATE_GOLDEN=1 make pytest` (this file only) and review the diff.
"""

import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from likeness_guard.main import main
from tests.unit.provenance.provenance_fixtures import A1111_PARAMETERS, png_bytes
from tests.unit.sources.local_server import LocalServer

GOLDEN = Path(__file__).parent / "golden"
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_HTTP_DATE = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")
_VOLATILE_HEADERS = {"Date", "Server"}
# The signing key is made per installation (per test run here): its certificate changes.
_VOLATILE_KEYS = {"sha256_pdf", "modified_at", "certificate_sha256", "certificate_pem"}


def _normalise(value: Any, replacements: list[tuple[str, str]], key: str = "") -> Any:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in _VOLATILE_HEADERS and isinstance(v, str):
                out[k] = f"<{k.lower()}>"
            else:
                out[k] = _normalise(v, replacements, k)
        return out
    if isinstance(value, list):
        return [_normalise(v, replacements, key) for v in value]
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, str):
        if key in _VOLATILE_KEYS or _TIME.match(value) or _HTTP_DATE.match(value):
            return "<time>"
        for old, new in replacements:
            value = value.replace(old, new)
        return value
    return value


def _check(name: str, document: dict[str, Any], replacements: list[tuple[str, str]]) -> None:
    normalised = _normalise(document, replacements)
    path = GOLDEN / f"{name}.json"
    if os.environ.get("LG_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(normalised, indent=2, ensure_ascii=False) + "\n")
    expected = json.loads(path.read_text())
    assert normalised == expected, f"{name}: the JSON contract changed (see {path})"


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


@pytest.fixture
def site(photos: dict[str, Path]) -> Iterator[LocalServer]:
    server = LocalServer()
    page = b'<html><body><img src="/img/players.jpg"><img src="/img/gone.jpg"></body></html>'
    server.serve("/page.html", page, "text/html; charset=utf-8")
    server.serve("/img/players.jpg", photos["players"].read_bytes(), "image/jpeg")
    yield server
    server.close()


def test_scan_inspect_and_manifest_documents_keep_their_contract(
    tmp_path: Path, photos: dict[str, Path], site: LocalServer
) -> None:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a_players.jpg").write_bytes(photos["players"].read_bytes())
    (folder / "b_players_copy.jpg").write_bytes(photos["players"].read_bytes())
    (folder / "c_gdp.jpg").write_bytes(photos["gdp"].read_bytes())
    (folder / "d_text.jpg").write_text("not an image\n")
    yao = Image.open(photos["yaoming"]).convert("RGB")
    (folder / "e_yao_a1111.png").write_bytes(png_bytes({"parameters": A1111_PARAMETERS}, image=yao))
    (folder / "f_yao_small.jpg").write_bytes(_jpeg(yao.resize((yao.width // 2, yao.height // 2))))
    replacements = [(str(tmp_path), "<tmp>"), (f"127.0.0.1:{site.port}", "127.0.0.1:<port>")]

    scan_out = tmp_path / "scan.json"
    argv = ["--data-dir", str(data), "scan", str(folder), site.url("/page.html")]
    assert main([*argv, "--allow-private-addresses", "--json", str(scan_out)]) == 0
    _check("scan", json.loads(scan_out.read_text()), replacements)

    inspect_out = tmp_path / "inspect.json"
    target = str(folder / "e_yao_a1111.png")
    assert main(["--data-dir", str(data), "inspect", target, "--json", str(inspect_out)]) == 0
    _check("inspect", json.loads(inspect_out.read_text()), replacements)

    pdf = tmp_path / "report.pdf"
    argv = ["--data-dir", str(data), "report", "--name", "A. P.", "--page-size", "A4"]
    assert main([*argv, "--out", str(pdf)]) == 0
    manifest = json.loads((tmp_path / "report.manifest.json").read_text())
    manifest["pdf"]["sha256_pdf"] = manifest["pdf"].pop("sha256")
    manifest["generator"] = "<generator>"
    _check("manifest", manifest, replacements)
