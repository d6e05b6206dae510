"""Time takedown notices and re-checks for N web matches spread over several sites.

Serves N different files of the same face on 127.0.0.1 (as "sites" 127.0.0.1 and
localhost, half each), scans the page once, then times, for each N: the notices (PDF, .txt,
.eml), a re-check of every matched address, and, as the baseline of the same run, fetching
the same addresses once each with a plain `requests.get` loop. Run:
.venv/bin/python benchmarks/takedown.py [N ...]
"""

import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

import requests
from PIL import Image

from likeness_guard.core.domain.takedown import Jurisdiction
from likeness_guard.core.services import takedown
from likeness_guard.core.services.takedown import NoticeSender
from likeness_guard.core.storage.store import Store
from likeness_guard.main import main as cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' local server
from tests.unit.sources.local_server import LocalServer


def _variants(photo: Path, count: int) -> list[bytes]:
    face = Image.open(photo).convert("RGB")
    out = []
    for number in range(count):
        buffer = io.BytesIO()
        face.resize((face.width - number % 40, face.height - number % 40)).save(
            buffer, "JPEG", quality=40 + number % 55
        )
        out.append(buffer.getvalue())
    return out


def run(count: int, photo: Path, root: Path) -> tuple[float, float, float, int]:
    server = LocalServer()
    try:
        hosts = (f"http://127.0.0.1:{server.port}", f"http://localhost:{server.port}")
        tags = []
        for number, data in enumerate(_variants(photo, count)):
            server.serve(f"/img/{number}.jpg", data, "image/jpeg")
            tags.append(f'<img src="{hosts[number % 2]}/img/{number}.jpg">')
        server.serve("/page.html", "".join(tags).encode(), "text/html")
        data_dir = root / f"data-{count}"
        cli(["--data-dir", str(data_dir), "enroll", str(photo)])
        argv = ["--data-dir", str(data_dir), "scan", server.url("/page.html")]
        cli([*argv, "--allow-private-addresses", "--max-images-per-page", str(count + 1)])
        sender = NoticeSender("Ana Example", "ana@example.org", Jurisdiction.US)
        with Store.open(data_dir) as store:
            scan_id = store.last_scan_id()
            assert scan_id is not None
            choices = takedown.NoticeChoices(include_unreviewed=True, intimate=("all",))
            start = time.perf_counter()
            files = takedown.write_takedown_notices(
                store, scan_id, sender, root / f"n{count}.pdf", choices
            )
            notices = time.perf_counter() - start
            start = time.perf_counter()
            results = takedown.recheck(store, scan_id, allow_private_addresses=True)
            recheck = time.perf_counter() - start
        assert len(results) == count, (len(results), count)
        start = time.perf_counter()
        with requests.Session() as session:
            session.get(server.url("/page.html"), timeout=10)
            for number in range(count):
                session.get(f"{hosts[number % 2]}/img/{number}.jpg", timeout=10)
        baseline = time.perf_counter() - start
        return notices, recheck, baseline, len(files.notices)
    finally:
        server.close()


def main(counts: list[int]) -> None:
    from likeness_guard.core.engine.model_pack import sample_photos

    photo = sample_photos()["yaoming"]
    root = Path(tempfile.mkdtemp(prefix="lg-bench-takedown-"))
    try:
        print("matches  sites  notices  re-check  plain GETs  re-check / plain")
        for count in counts:
            notices, recheck, baseline, sites = run(count, photo, root)
            print(
                f"{count:7d}  {sites:5d}  {notices:6.2f}s  {recheck:7.2f}s  {baseline:9.2f}s"
                f"  {recheck / baseline:15.1f}x"
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 50])
