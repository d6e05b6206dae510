"""Time a signed report and an evidence package of N matches, and checking them again.

Scans the sample photos once (one match: Yao Ming in players.jpg, plus his own photo, which
is left out as a reference copy) and adds copies of that match to reach N, then times, for
each N: the report unsigned (reportlab only, the baseline of the same run), the report signed
with its manifest attached, the evidence package, and `verify_report` on it; and prints the
package's size. Run: .venv/bin/python benchmarks/evidence_package.py [N ...]
"""

import dataclasses
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.engine.model_pack import sample_photos
from likeness_guard.core.package import export_package, verify_report
from likeness_guard.core.pipeline.enroll import enroll_file
from likeness_guard.core.pipeline.scan import ScanOptions, run_scan
from likeness_guard.core.report import build_report
from likeness_guard.core.report import write as report_writer
from likeness_guard.core.sources.folders import iter_path_items
from likeness_guard.core.storage.store import Store


def timed(action: Callable[..., object], *args: object, **kwargs: object) -> float:
    start = time.perf_counter()
    action(*args, **kwargs)
    return time.perf_counter() - start


def main(counts: list[int]) -> None:
    photos = sample_photos()
    engine = FaceEngine()
    root = Path(tempfile.mkdtemp(prefix="lg-bench-"))
    try:
        folder = root / "scanned"
        folder.mkdir()
        for name in ("players", "gdp", "t1"):
            shutil.copy(photos[name], folder / f"{name}.jpg")
        with Store.open(root / "data") as store:
            profile = store.profile("me", create=True)
            assert profile is not None
            enroll_file(store, engine, profile, photos["yaoming"])
            profile = store.profile("me")
            assert profile is not None
            scan_id = run_scan(
                store,
                engine,
                profile,
                [str(folder)],
                ScanOptions(threshold=0.36),
                sources=iter_path_items([folder]),
            )
            template = store.matches(scan_id)[0]
            have = 1
            print("matches  unsigned s  signed s  package s  verify s  package MB  files")
            for count in counts:
                for seq in range(have, count):
                    store.add_item(
                        dataclasses.replace(
                            template, id=0, seq=10_000 + seq, source=f"{folder}/copy-{seq}.jpg"
                        )
                    )
                have = max(have, count)
                out = root / f"out-{count}"
                out.mkdir()

                def unsigned_pdf(pdf: bytes, *args: object, **kwargs: object) -> bytes:
                    return pdf

                with mock.patch.object(report_writer, "sign_pdf", unsigned_pdf):
                    plain = timed(build_report, store, scan_id, out / "plain.pdf")
                signed = timed(build_report, store, scan_id, out / "signed.pdf")
                package = out / "package"
                packed = timed(export_package, store, scan_id, package)
                checked = timed(verify_report, package)
                files = [p for p in package.rglob("*") if p.is_file()]
                size = sum(p.stat().st_size for p in files) / 1e6
                print(
                    f"{count:7d}  {plain:10.2f}  {signed:8.2f}  {packed:9.2f}  {checked:8.2f}  "
                    f"{size:10.1f}  {len(files):5d}"
                )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1, 10, 50, 200])
