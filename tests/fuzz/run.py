"""Run one fuzz target for a bounded time: `python -m tests.fuzz.run TARGET SECONDS`.

With atheris installed (`make fuzz` installs it from the package index), this is
coverage-guided libFuzzer, seeded with the hostile corpus and the sample photos; inputs
that break a target are written to `fuzz-findings/`. Where atheris cannot be installed,
the same targets run in a seeded mutation loop (bit flips, truncations, splices and
repeated blocks of the seeds) for the same time, and the first failing input is written
there too. Exits 1 on a finding.
"""

import os
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

FINDINGS = Path("fuzz-findings")
_MAX_INPUT = 256 * 1024


def seeds() -> list[bytes]:
    """Real and hostile inputs to start from."""
    from likeness_guard.core.engine.model_pack import sample_photos
    from tests.hostile.corpus import build_corpus

    found: list[bytes] = []
    with tempfile.TemporaryDirectory() as folder:
        corpus = build_corpus(Path(folder) / "corpus", giant=False)
        for path in corpus.regular:
            data = path.read_bytes()[:_MAX_INPUT] if path.stat().st_size < 1 << 24 else b""
            found.append(data)
    found += [path.read_bytes()[:_MAX_INPUT] for path in sample_photos().values()]
    found.append(
        b'<html><body><img src="a.jpg"><img srcset="b.png 2x, c.webp 3x">'
        b'<picture><source srcset="d.avif"></picture><a href="/next">n</a></body></html>'
    )
    return found


def mutate(data: bytes, pool: list[bytes], chooser: random.Random) -> bytes:
    buffer = bytearray(data or b"\x00")
    for _ in range(chooser.randint(1, 8)):
        action = chooser.randrange(6)
        position = chooser.randrange(len(buffer) or 1)
        if action == 0:
            buffer[position % len(buffer)] ^= 1 << chooser.randrange(8)
        elif action == 1:
            del buffer[position:]
        elif action == 2:
            other = chooser.choice(pool)
            start = chooser.randrange(len(other) or 1)
            buffer[position:position] = other[start : start + chooser.randint(1, 4096)]
        elif action == 3:
            piece = bytes(buffer[position : position + chooser.randint(1, 64)])
            buffer[position:position] = piece * chooser.randint(2, 200)
        elif action == 4:
            buffer[position : position + 4] = chooser.choice(
                [b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x7f\xff\xff\xff", b"\x80\x00\x00\x00"]
            )
        else:
            buffer[position:position] = chooser.choice(
                [b"<x:xmpmeta ", b"<rdf:RDF", b"\xff\xe1\xff\xff", b"IDAT", b"<img src=", b"{["]
            )
        if not buffer:
            buffer = bytearray(b"\x00")
    return bytes(buffer[:_MAX_INPUT])


def mutation_loop(name: str, seconds: float) -> int:
    from tests.fuzz.targets import TARGETS

    target = TARGETS[name]
    pool = seeds()
    chooser = random.Random(int(os.environ.get("FUZZ_SEED", "1")))
    ends = time.monotonic() + seconds
    runs = 0
    while time.monotonic() < ends:
        data = mutate(chooser.choice(pool), pool, chooser)
        try:
            target(data)
        except Exception:
            FINDINGS.mkdir(exist_ok=True)
            path = FINDINGS / f"{name}-{runs}.bin"
            path.write_bytes(data)
            traceback.print_exc()
            print(f"fuzz {name}: a finding after {runs} inputs, written to {path}")
            return 1
        runs += 1
        if runs % 50 == 0:
            pool.append(data)  # keep some mutants as seeds, as a corpus grows
    print(f"fuzz {name}: {runs} inputs in {seconds:.0f} s (seeded mutation loop), no finding")
    return 0


def atheris_run(name: str, seconds: float) -> int:
    import atheris

    with atheris.instrument_imports(include=["likeness_guard"]):
        from tests.fuzz.targets import TARGETS

    target = TARGETS[name]
    seed_folder = Path(tempfile.mkdtemp(prefix=f"fuzz-{name}-"))
    for index, data in enumerate(seeds()):
        (seed_folder / f"seed{index}").write_bytes(data)
    FINDINGS.mkdir(exist_ok=True)
    arguments = [
        sys.argv[0],
        str(seed_folder),
        f"-max_total_time={int(seconds)}",
        "-timeout=30",  # one input taking longer is a finding (a quadratic parser)
        "-rss_limit_mb=3072",
        f"-max_len={_MAX_INPUT}",
        f"-artifact_prefix={FINDINGS}/{name}-",
        "-print_final_stats=1",
    ]
    atheris.Setup(arguments, target)
    atheris.Fuzz()  # exits the process: 0 when the time ran out without a finding
    return 0


def main(argv: list[str]) -> int:
    name, seconds = argv[1], float(argv[2]) if len(argv) > 2 else 60.0
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris is not installed: running the seeded mutation loop instead")
        return mutation_loop(name, seconds)
    if os.environ.get("FUZZ_FALLBACK"):
        return mutation_loop(name, seconds)
    return atheris_run(name, seconds)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
