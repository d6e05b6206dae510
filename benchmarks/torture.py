"""Many processes on one data folder at once, killed at random: nothing acknowledged is lost.

The window is one process whose threads each hold a `Store`; commands run in other
processes on the same folder. This runs that, and worse:

- a window-like writer process: a thread per share of the verdict images writing "this is
  me" / "not me" (each image written by one thread only, in order), a thread writing new
  scans with their items (holding a scan's locks, as a scan does), a thread opening and
  closing extra stores now and then (what once let another process delete the write-ahead
  log under the window), and on Linux a watch on /proc/self/fd for database files deleted
  while open. Each write, once committed, is appended to an acknowledgement log (fsync);
  the intent is logged before it.
- command runners: `scans`, `review --list`, `report`, `export`, `recheck` (of web items on
  a server on 127.0.0.1, nothing else) and `forget --profile other` of a profile re-created
  each time, each as its own `likeness-guard` process. A calm message and a non-zero exit
  (busy, nothing to report) is counted; a traceback, or a message about a damaged database
  or a read or write error, is a failure.
- a killer (this process) that sends SIGKILL to the writer or a runner (with the command it
  is running) at random moments, and starts it again.

At the end, with every process stopped, the folder is opened as a start does (finishing a
deletion a kill interrupted): `PRAGMA integrity_check` must say "ok", and every
acknowledged write must be there (for a verdict: the last acknowledged one, or one written
after it whose acknowledgement a kill prevented).

With the old stray `os.close(os.open(database))` back in `connect()`, a plain folder fails
within a second or two: "disk I/O error" in the writer and, when that is let pass, the
log files deleted under it, acknowledged scans and items lost, a malformed database. A
protected folder does not show it: SQLCipher's SQLite (3.51) checks the -shm lock before it
deletes the log on close, the standard library's (3.40) does not.

Run: `make torture` (plain and protected), or
.venv/bin/python -m benchmarks.torture [--operations 2000] [--kills 20] [--commands 200]
[--protected] [--seed 1] [--keep]. tests/integration/test_torture.py runs a short one.
"""

import argparse
import contextlib
import functools
import hashlib
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

import likeness_guard
from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.domain.records import (
    FaceHit,
    FileFacts,
    HttpFacts,
    ItemStatus,
    ModelPackInfo,
    ScanItem,
    ScanStatus,
    Verdict,
    WebOrigin,
    utc_now,
)
from likeness_guard.core.storage import protection
from likeness_guard.core.storage.layout import DATABASE_FILES, data_dir
from likeness_guard.core.storage.locks import FolderLocks
from likeness_guard.core.storage.recovery import prepare_folder, recover
from likeness_guard.core.storage.store import Store
from tests.unit.sources.local_server import LocalServer

PASSPHRASE = "torture test passphrase"
ME = "me"
OTHER = "other"  # the profile the runners re-create and forget
MODEL_PACK = ModelPackInfo("torture", {})
# Verdict times: unique per write of one image, in the format the app writes.
_STAMP_EPOCH = datetime(2030, 1, 1, tzinfo=UTC)
_STAMPS_PER_INCARNATION = 1_000_000
# Messages of a command that mean the database was damaged, not merely busy.
ALARMING = (
    "damaged",
    "could not be read or written",
    "malformed",
    "disk i/o",
    "not a database",
    "not a likeness guard database",
)
TRACEBACK = "Traceback (most recent call last)"
# What `FolderLocks.scan_alive` says when another process holds the scan's lock.
SCAN_LOCK_TAKEN = "A scan of this person is still running"
_POLL = 0.05


@dataclass(frozen=True)
class TortureOptions:
    """How long and how hard to torture one data folder."""

    operations: int = 2000  # at least this many, all processes together
    kills: int = 20  # at least this many SIGKILLs
    protected: bool = False
    seed: int = 1
    runners: int = 2  # command runner processes, beside the writer
    verdict_threads: int = 3  # writer threads giving verdicts
    verdict_images: int = 24
    min_commands: int = 200  # at least this many commands finished (of `operations`)
    writer_pause: float = 0.02  # mean seconds between two writes of one writer thread
    max_seconds: float = 1800.0  # stop then, targets reached or not
    command_timeout: float = 180.0  # a command running longer hangs (a failure)
    web: bool = True  # serve the web items on 127.0.0.1 for `recheck`


@dataclass(frozen=True)
class Plan:
    """What every process of one run shares (written to ROOT/plan.json)."""

    root: str
    data: str
    passphrase_file: str | None
    seed: int
    deadline: float  # time.time() at which every process stops by itself
    verdict_shas: list[str]
    verdict_threads: int
    writer_pause: float
    writer_budget: int  # writes per writer thread and incarnation, at most
    command_budget: int  # commands per runner incarnation, at most
    command_timeout: float
    local_scan: int
    web_scan: int | None

    @property
    def logs(self) -> Path:
        return Path(self.root) / "logs"

    @property
    def outputs(self) -> Path:
        return Path(self.root) / "out"

    @property
    def stop_file(self) -> Path:
        return Path(self.root) / "stop"

    def stopping(self) -> bool:
        return time.time() >= self.deadline or self.stop_file.exists()

    def save(self) -> None:
        (Path(self.root) / "plan.json").write_text(json.dumps(asdict(self)), encoding="utf-8")

    @classmethod
    def load(cls, root: Path) -> "Plan":
        return cls(**json.loads((root / "plan.json").read_text(encoding="utf-8")))


@dataclass
class TortureResult:
    """What one run did and found."""

    protected: bool
    seed: int
    seconds: float = 0.0
    operations: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)  # "kind: ok" or "kind: exit N: message"
    kills: Counter[str] = field(default_factory=Counter)
    commands_killed: int = 0  # commands killed with their runner while running
    acknowledged: Counter[str] = field(default_factory=Counter)
    integrity: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and all(result == "ok" for result in self.integrity)

    def lines(self) -> list[str]:
        """The counts, as printed."""
        folder = "protected" if self.protected else "plain"
        out = [
            f"Torture of a {folder} data folder (seed {self.seed}): "
            f"{sum(self.operations.values())} operations, {sum(self.kills.values())} "
            f"SIGKILLs, {self.seconds:.1f} s",
            "operations:",
            *(f"  {kind:<40}{count:>7}" for kind, count in sorted(self.operations.items())),
            "command outcomes:",
            *(f"  {what:<72}{count:>7}" for what, count in sorted(self.outcomes.items())),
            "SIGKILLs:",
            *(f"  {target:<40}{count:>7}" for target, count in sorted(self.kills.items())),
            f"  {'(commands killed running)':<40}{self.commands_killed:>7}",
            "acknowledged writes checked:",
            *(f"  {kind:<60}{count:>7}" for kind, count in sorted(self.acknowledged.items())),
            f"integrity_check: {', '.join(self.integrity) or 'not run'}",
            *(f"note: {note}" for note in self.notes),
            f"failures: {len(self.failures) or 'none'}",
            *(f"  FAILURE {failure}" for failure in self.failures),
        ]
        return out


# ---- logs ------------------------------------------------------------------------------


class EventLog:
    """An append-only file of JSON lines, each written whole with one write() call (a kill
    never leaves half a line); `durable` lines are on disk before `write` returns."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._lock = threading.Lock()

    def write(self, event: dict[str, Any], *, durable: bool = False) -> None:
        line = (json.dumps(event, sort_keys=True) + "\n").encode("utf-8")
        with self._lock:
            os.write(self._fd, line)
            if durable:
                os.fsync(self._fd)


def read_events(path: Path) -> list[dict[str, Any]]:
    """The complete lines of a log (a line still being written is left out)."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    return [json.loads(line) for line in text.split("\n")[:-1] if line]


class _Progress:
    """Counts finished operations in the logs as they grow (the killer paces itself by it)."""

    def __init__(self, logs: Path) -> None:
        self._logs = logs
        self._offsets: dict[Path, int] = {}
        self.operations = 0
        self.commands = 0

    def update(self) -> None:
        for path in self._logs.glob("*.log"):
            offset = self._offsets.get(path, 0)
            with path.open("rb") as log:
                log.seek(offset)
                data = log.read()
            complete = data.rfind(b"\n") + 1
            for line in data[:complete].splitlines():
                event = json.loads(line)
                if event["e"] in ("ack", "op", "end"):
                    self.operations += 1
                if event["e"] == "end":
                    self.commands += 1
            self._offsets[path] = offset + complete


# ---- the data folder -----------------------------------------------------------------------


def _jpeg(rng: random.Random, label: str) -> bytes:
    colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    image = Image.new("RGB", (64, 48), colour)
    image.putpixel((rng.randrange(64), rng.randrange(48)), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, comment=label.encode())
    return buffer.getvalue()


def _face(similarity: float = 0.6) -> FaceHit:
    return FaceHit((4.0, 4.0, 40.0, 40.0), 0.9, similarity, None, True)


def _add_person(store: Store, name: str, seed: int) -> int:
    """A profile with one reference face; returns its id."""
    profile = store.profile(name, create=True)
    assert profile is not None
    embedding = np.random.default_rng(seed).standard_normal(512).astype(np.float32)
    embedding /= np.linalg.norm(embedding)
    store.add_reference(
        profile.id,
        source_name=f"{name}-reference.jpg",
        source_sha256=hashlib.sha256(f"{name}-{seed}".encode()).hexdigest(),
        embedding=embedding,
        thumbnail_png=b"\x89PNG\r\n\x1a\n" + name.encode(),
        det_score=0.9,
        face_width=120.0,
        sharpness=300.0,
        model_pack="torture",
    )
    return profile.id


def _add_local_scan(store: Store, name: str, pictures: list[bytes], kept: int) -> int:
    """A finished scan of `pictures` (all matches; the first `kept` kept); returns its id."""
    profile = store.profile(name)
    assert profile is not None
    scan_id = store.create_scan(
        profile, threshold=0.36, preset="balanced", model_pack=MODEL_PACK, inputs=["/torture"]
    )
    for seq, data in enumerate(pictures):
        sha = store.evidence.put(data) if seq < kept else hashlib.sha256(data).hexdigest()
        store.add_item(
            ScanItem(
                scan_id,
                seq,
                f"/torture/{name}-{seq}.jpg",
                ItemStatus.OK,
                sha256=sha,
                format="JPEG",
                width=64,
                height=48,
                best_similarity=0.6,
                match=True,
                file=FileFacts(f"/torture/{name}-{seq}.jpg", len(data), utc_now()),
                evidence_kept=seq < kept,
                faces=(_face(),),
            )
        )
    store.finish_scan(scan_id, ScanStatus.FINISHED)
    return scan_id


def _add_web_scan(store: Store, server: LocalServer, pictures: list[bytes]) -> int:
    """A finished scan of web images served on 127.0.0.1 (for `recheck`)."""
    profile = store.profile(ME)
    assert profile is not None
    scan_id = store.create_scan(
        profile, threshold=0.36, preset="balanced", model_pack=MODEL_PACK, inputs=[server.base]
    )
    for seq, data in enumerate(pictures):
        url = server.serve(f"/picture-{seq}.jpg", data, "image/jpeg")
        store.add_item(
            ScanItem(
                scan_id,
                seq,
                url,
                ItemStatus.OK,
                sha256=store.evidence.put(data),
                format="JPEG",
                width=64,
                height=48,
                best_similarity=0.6,
                match=True,
                web=WebOrigin(
                    url, None, url, utc_now(), HttpFacts(200, {"content-type": "image/jpeg"})
                ),
                evidence_kept=True,
                faces=(_face(),),
            )
        )
    store.finish_scan(scan_id, ScanStatus.FINISHED)
    return scan_id


def prepare_run(root: Path, options: TortureOptions, server: LocalServer | None) -> Plan:
    """The data folder with a person, a scan of the images that get verdicts and (with a
    server) a scan of web images, protected when asked; returns the plan of the run."""
    rng = random.Random(options.seed)
    data = data_dir(root / "data")
    pictures = [_jpeg(rng, f"verdict {n}") for n in range(options.verdict_images)]
    with Store(data) as store:
        _add_person(store, ME, options.seed)
        local_scan = _add_local_scan(store, ME, pictures, kept=options.verdict_images // 3)
        web_scan = (
            None
            if server is None
            else _add_web_scan(store, server, [_jpeg(rng, f"web {n}") for n in range(2)])
        )
    passphrase_file = None
    if options.protected:
        protection.protect(data, PASSPHRASE)
        passphrase_file = root / "passphrase"
        passphrase_file.write_text(PASSPHRASE + "\n", encoding="utf-8")
        passphrase_file.chmod(0o600)
    plan = Plan(
        root=str(root),
        data=str(data),
        passphrase_file=None if passphrase_file is None else str(passphrase_file),
        seed=options.seed,
        deadline=time.time() + options.max_seconds,
        verdict_shas=[hashlib.sha256(data).hexdigest() for data in pictures],
        verdict_threads=options.verdict_threads,
        writer_pause=options.writer_pause,
        writer_budget=max(10_000, 5 * options.operations),
        command_budget=max(1000, options.operations),
        command_timeout=options.command_timeout,
        local_scan=local_scan,
        web_scan=web_scan,
    )
    plan.logs.mkdir()
    plan.outputs.mkdir()
    plan.save()
    return plan


# ---- errors --------------------------------------------------------------------------------


def is_busy(exc: BaseException) -> bool:
    """True when SQLite (anywhere in the chain of causes) said "busy" or "locked"."""
    seen: BaseException | None = exc
    while seen is not None:
        code = str(getattr(seen, "sqlite_errorname", "") or "")
        if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return True
        seen = seen.__cause__
    return False


def _failure(log: EventLog, where: str, message: str) -> None:
    log.write({"e": "failure", "where": where, "message": message}, durable=True)


def _open_store(folder: Path, calm: EventLog, where: str) -> Store:
    """A store, retried while SQLite is busy (a few times); other errors propagate."""
    for _ in range(20):
        try:
            return Store(folder)
        except StoreError as exc:
            if not is_busy(exc):
                raise
            calm.write({"e": "calm", "where": where, "message": str(exc)})
            time.sleep(0.05)
    return Store(folder)


# ---- the writer (the window) ---------------------------------------------------------------


def verdict_stamp(incarnation: int, number: int) -> str:
    """The verdict time of a writer's `number`th write: unique per image, app format."""
    when = _STAMP_EPOCH + timedelta(seconds=incarnation * _STAMPS_PER_INCARNATION + number)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Writer:
    """The window-like process: its threads, each with its own store."""

    def __init__(self, plan: Plan, incarnation: int) -> None:
        self.plan = plan
        self.folder = Path(plan.data)
        self.incarnation = incarnation
        self.stop = threading.Event()
        self.failures = EventLog(plan.logs / f"failures-writer-{incarnation}.log")
        self.failed = False
        self.calm = EventLog(plan.logs / f"calm-writer-{incarnation}.log")

    def run(self) -> int:
        if self.plan.passphrase_file is not None:
            protection.unlock(self.folder, PASSPHRASE)
        threads = [
            self._thread(f"verdicts-{share}", functools.partial(self._verdicts, share))
            for share in range(self.plan.verdict_threads)
        ]
        threads.append(self._thread("scans", self._scans))
        threads.append(self._thread("extra-stores", self._extra_stores))
        watch_stop = threading.Event()
        watch = None
        if Path("/proc/self/fd").is_dir():
            watch = self._thread("fd-watch", lambda: self._watch_fds(watch_stop))
        for thread in [*threads, *([watch] if watch else [])]:
            thread.start()
        while not self.plan.stopping() and not self.stop.is_set():
            time.sleep(_POLL)
        # The watch stops first: closing the last store deletes the log files, rightly.
        watch_stop.set()
        if watch is not None:
            watch.join()
        self.stop.set()
        for thread in threads:
            thread.join(self.plan.command_timeout)
            if thread.is_alive():
                _failure(self.failures, f"writer {thread.name}", "did not stop")
                self.failed = True
        return 3 if self.failed else 0

    def _thread(self, name: str, body: Callable[[], None]) -> threading.Thread:
        def guarded() -> None:
            try:
                body()
            except BaseException as exc:
                _failure(self.failures, f"writer {name}", "".join(traceback.format_exception(exc)))
                self.failed = True
                self.stop.set()

        return threading.Thread(target=guarded, name=name)

    def _log(self, name: str) -> EventLog:
        return EventLog(self.plan.logs / f"writer-{self.incarnation}-{name}.log")

    def _pause(self, rng: random.Random) -> None:
        self.stop.wait(rng.uniform(0, 2 * self.plan.writer_pause))

    def _verdicts(self, share: int) -> None:
        """Verdicts on this thread's share of the images, each logged before and after."""
        rng = random.Random(f"{self.plan.seed}-{self.incarnation}-verdicts-{share}")
        shas = self.plan.verdict_shas[share :: self.plan.verdict_threads]
        log = self._log(f"verdicts-{share}")
        store = _open_store(self.folder, self.calm, "verdict store")
        try:
            for number in range(self.plan.writer_budget):
                if self.stop.is_set():
                    break
                sha = rng.choice(shas)
                verdict = rng.choice((Verdict.ME, Verdict.NOT_ME))
                at = verdict_stamp(self.incarnation, number)
                write = {"sha": sha, "verdict": str(verdict), "at": at}
                log.write({"e": "intent", **write})
                try:
                    store.set_sha256_verdict(sha, verdict, at)
                except StoreError as exc:
                    if not is_busy(exc):
                        raise
                    self.calm.write({"e": "calm", "where": "verdict", "message": str(exc)})
                    continue
                log.write({"e": "ack", "kind": "verdict", **write}, durable=True)
                self._pause(rng)
        finally:
            store.close()

    def _scans(self) -> None:
        """New scans of the person, a few items each, holding a scan's locks as a scan does."""
        rng = random.Random(f"{self.plan.seed}-{self.incarnation}-scans")
        log = self._log("scans")
        locks = FolderLocks(self.folder)
        store = _open_store(self.folder, self.calm, "scan store")
        try:
            profile = store.profile(ME)
            assert profile is not None
            for number in range(self.plan.writer_budget):
                if self.stop.is_set():
                    break
                with locks.scanning(profile.id):
                    inputs = f"/torture/{self.incarnation}/{number}"  # unique: ids may be reused
                    scan_id = store.create_scan(
                        profile,
                        threshold=0.36,
                        preset="balanced",
                        model_pack=MODEL_PACK,
                        inputs=[inputs],
                    )
                    ack = {"e": "ack", "scan": scan_id, "inputs": inputs}
                    log.write({**ack, "kind": "scan"}, durable=True)
                    with contextlib.ExitStack() as held:
                        try:
                            held.enter_context(locks.scan_alive(scan_id))
                        except StoreError as exc:
                            # A command starting meanwhile takes a running scan's lock for
                            # a moment (is its process gone?); pipeline/scan.py also takes
                            # it only after create_scan, and fails the same way then.
                            if not str(exc).startswith(SCAN_LOCK_TAKEN):
                                raise
                            self.calm.write({"e": "calm", "where": "scan", "message": str(exc)})
                            continue
                        for seq in range(rng.randint(2, 5)):
                            self._add_item(store, log, rng, ack, seq)
                            self._pause(rng)
                        store.finish_scan(scan_id, ScanStatus.FINISHED)
                        log.write({**ack, "kind": "finished scan"}, durable=True)
                self._pause(rng)
        finally:
            store.close()

    def _add_item(
        self, store: Store, log: EventLog, rng: random.Random, scan: dict[str, Any], seq: int
    ) -> None:
        scan_id = int(scan["scan"])
        data = _jpeg(rng, f"scan {scan_id} item {seq} {rng.random()}")
        kept = seq == 0
        sha = store.evidence.put(data) if kept else hashlib.sha256(data).hexdigest()
        item_id = store.add_item(
            ScanItem(
                scan_id,
                seq,
                f"/torture/scan-{scan_id}/{seq}.jpg",
                ItemStatus.OK,
                sha256=sha,
                format="JPEG",
                width=64,
                height=48,
                best_similarity=0.6,
                match=True,
                file=FileFacts(f"/torture/scan-{scan_id}/{seq}.jpg", len(data), utc_now()),
                evidence_kept=kept,
                faces=(_face(),),
            )
        )
        log.write({**scan, "kind": "item", "seq": seq, "item": item_id, "sha": sha}, durable=True)

    def _extra_stores(self) -> None:
        """Stores opened and closed beside the open ones, as the window's tasks do."""
        rng = random.Random(f"{self.plan.seed}-{self.incarnation}-extra")
        log = self._log("extra-stores")
        for _ in range(self.plan.writer_budget):
            if self.stop.wait(rng.uniform(0.02, 0.15)):
                break
            with _open_store(self.folder, self.calm, "extra store") as store:
                store.scans()
                store.verdict(rng.choice(self.plan.verdict_shas))
            log.write({"e": "op", "kind": "extra store opened and closed"})

    def _watch_fds(self, stop: threading.Event) -> None:
        """Fail when a database file stays deleted while this process has it open (another
        process deleted it under our connections)."""
        names = tuple(f"/{name} (deleted)" for name in DATABASE_FILES)
        suspects: dict[tuple[int, str, int], float] = {}
        reported: set[str] = set()
        while not stop.wait(0.02):
            now = time.monotonic()
            seen: dict[tuple[int, str, int], float] = {}
            for entry in os.scandir("/proc/self/fd"):
                try:
                    target = os.readlink(entry.path)
                    inode = os.stat(entry.path).st_ino
                except OSError:
                    continue
                if target.endswith(names):
                    key = (int(entry.name), target, inode)
                    seen[key] = suspects.get(key, now)
            suspects = seen
            for (_fd, target, _inode), since in suspects.items():
                # SQLite deletes its own -shm a moment before closing it: only what stays
                # deleted counts.
                if now - since >= 0.2 and target not in reported:
                    reported.add(target)
                    self.failed = True
                    _failure(
                        self.failures,
                        "writer fd-watch",
                        f"{target} is open in the writer but was deleted",
                    )


# ---- the command runners -------------------------------------------------------------------

COMMANDS: dict[str, int] = {  # what a runner runs, and how often (weights)
    "scans": 3,
    "review --list": 3,
    "report": 1,
    "export": 1,
    "recheck": 1,
    "forget --profile other": 2,
}


def child_environment() -> dict[str, str]:
    """The environment of every process started here: this `likeness_guard` and these
    benchmarks first on the path (a copy under test stays the one under test)."""
    roots = {str(Path(likeness_guard.__file__).resolve().parents[1])}
    roots.add(str(Path(__file__).resolve().parents[1]))
    path = os.pathsep.join([*sorted(roots), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {**os.environ, "PYTHONPATH": path}


def classify(kind: str, returncode: int, stderr: str, stdout: str = "") -> tuple[str, str]:
    """("ok" | "calm" | "failure", what to count it under) for a finished command."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    said = [line for line in lines if line.startswith("likeness-guard:")]
    printed = [line for line in stdout.splitlines() if line.strip()][-1:]
    message = (said or printed or lines or [""])[-1].removeprefix("likeness-guard:").strip()
    if TRACEBACK in stderr:
        return "failure", f"{kind}: traceback: {stderr.strip()[-2000:]}"
    if returncode == 0:
        return "ok", f"{kind}: ok"
    if returncode < 0 or any(word in message.lower() for word in ALARMING):
        return "failure", f"{kind}: exit {returncode}: {message}"
    return "calm", f"{kind}: exit {returncode}: {message[:70]}"


class _Runner:
    """A process running commands on the folder in a loop."""

    def __init__(self, plan: Plan, index: int, incarnation: int) -> None:
        self.plan = plan
        self.folder = Path(plan.data)
        self.index = index
        self.incarnation = incarnation
        self.log = EventLog(plan.logs / f"runner-{index}-{incarnation}.log")
        self.failures = EventLog(plan.logs / f"failures-runner-{index}-{incarnation}.log")
        self.rng = random.Random(f"{plan.seed}-runner-{index}-{incarnation}")
        self.environment = child_environment()

    def run(self) -> int:
        if self.plan.passphrase_file is not None:
            protection.unlock(self.folder, PASSPHRASE)
        kinds, weights = list(COMMANDS), list(COMMANDS.values())
        failed = False
        for number in range(self.plan.command_budget):
            if self.plan.stopping():
                break
            kind = self.rng.choices(kinds, weights)[0]
            self.log.write({"e": "start", "command": kind})
            started = time.monotonic()
            outcome, what = self._run(kind, number)
            self.log.write(
                {
                    "e": "end",
                    "command": kind,
                    "outcome": outcome,
                    "what": what,
                    "seconds": round(time.monotonic() - started, 3),
                }
            )
            if outcome == "failure":
                _failure(self.failures, f"runner {self.index}", what)
                failed = True
        return 3 if failed else 0

    def _run(self, kind: str, number: int) -> tuple[str, str]:
        if kind == "forget --profile other":
            try:
                self._recreate_other()
            except StoreError as exc:
                if not is_busy(exc):
                    return "failure", f"re-creating {OTHER}: {exc!r}"
                return "calm", f"re-creating {OTHER}: busy"
        output = self.plan.outputs / f"{self.index}-{self.incarnation}-{number}"
        command = [sys.executable, "-m", "likeness_guard.main", "--data-dir", self.plan.data]
        if self.plan.passphrase_file is not None:
            command += ["--passphrase-file", self.plan.passphrase_file]
        command += self._arguments(kind, output)
        try:
            done = subprocess.run(
                command,
                env=self.environment,
                capture_output=True,
                text=True,
                timeout=self.plan.command_timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "failure", f"{kind}: still running after {self.plan.command_timeout} s"
        finally:
            for path in self.plan.outputs.glob(output.name + "*"):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        return classify(kind, done.returncode, done.stderr, done.stdout)

    def _arguments(self, kind: str, output: Path) -> list[str]:
        local = str(self.plan.local_scan)
        if kind == "scans":
            return ["scans"]
        if kind == "review --list":
            return ["review", "--list", "--scan", self.rng.choice([local, "last"])]
        if kind == "report":
            return ["report", "--scan", local, "--out", f"{output}.pdf"]
        if kind == "export":
            return ["export", "--scan", local, "--out", str(output)]
        if kind == "recheck":
            if self.plan.web_scan is None:
                return ["scans"]
            return ["recheck", "--scan", str(self.plan.web_scan), "--allow-private-addresses"]
        return ["forget", "--profile", OTHER]

    def _recreate_other(self) -> None:
        """The profile `forget` deletes, with a reference and a scan with a kept image."""
        with Store(self.folder) as store:
            if store.profile(OTHER) is None:
                _add_person(store, OTHER, self.rng.randrange(1000))
                pictures = [_jpeg(self.rng, f"other {self.rng.random()}") for _ in range(2)]
                _add_local_scan(store, OTHER, pictures, kept=1)


# ---- the killer and the run ----------------------------------------------------------------


@dataclass
class _Worker:
    role: str  # "writer" or "runner N"
    process: subprocess.Popen[bytes]
    incarnation: int


class _Workers:
    """The writer and the runners, each in a process group of its own (a kill takes the
    command a runner is running with it)."""

    def __init__(self, plan: Plan, runners: int) -> None:
        self.plan = plan
        self.environment = child_environment()
        self.started: Counter[str] = Counter()
        self.workers = [self._start("writer")]
        self.workers += [self._start(f"runner {index}") for index in range(runners)]

    def _start(self, role: str) -> _Worker:
        incarnation = self.started[role]
        self.started[role] += 1
        arguments = [*role.split(), str(incarnation)]
        errors = self.plan.logs / f"{role.replace(' ', '-')}-{incarnation}.stderr"
        with errors.open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "benchmarks.torture", *arguments, "--root", self.plan.root],
                env=self.environment,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        return _Worker(role, process, incarnation)

    def kill(self, worker: _Worker) -> None:
        """SIGKILL the worker's whole process group, wait for it, and start it again."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait()
        self.workers[self.workers.index(worker)] = self._start(worker.role)

    def exited(self) -> list[_Worker]:
        return [worker for worker in self.workers if worker.process.poll() is not None]

    def stop(self, grace: float) -> list[str]:
        """Ask every worker to stop and wait for it; returns those that had to be killed."""
        self.plan.stop_file.touch()
        deadline = time.monotonic() + grace
        stubborn = []
        for worker in self.workers:
            try:
                worker.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                stubborn.append(worker.role)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.process.pid, signal.SIGKILL)
                worker.process.wait()
        return stubborn


def run_torture(root: Path, options: TortureOptions) -> TortureResult:
    """Torture a new data folder in `root` (an empty folder); returns what happened.

    Every process it starts has stopped when it returns."""
    result = TortureResult(options.protected, options.seed)
    started = time.monotonic()
    server = LocalServer() if options.web else None
    workers = None
    try:
        plan = prepare_run(root, options, server)
        workers = _Workers(plan, options.runners)
        _kill_until_done(workers, options, result)
    finally:
        if workers is not None:
            stubborn = workers.stop(grace=options.command_timeout + 30)
            result.failures += [f"{role} did not stop when asked" for role in stubborn]
        if server is not None:
            server.close()
    _collect(plan, result)
    check_folder(plan, result)
    result.seconds = time.monotonic() - started
    return result


def _kill_until_done(workers: _Workers, options: TortureOptions, result: TortureResult) -> None:
    """SIGKILL workers at random moments, spread over the run, until every target is met
    (or the time is up, or a worker stopped by itself: a failure)."""
    rng = random.Random(f"{options.seed}-killer")
    progress = _Progress(workers.plan.logs)
    started = time.monotonic()
    kills = 0
    while time.monotonic() - started < options.max_seconds:
        time.sleep(_POLL)
        progress.update()
        # Each target's share done; the k-th kill comes once all are k/(kills+1) done.
        done = min(
            progress.operations / max(1, options.operations),
            progress.commands / max(1, options.min_commands),
        )
        if done >= 1 and kills >= options.kills:
            return
        if gone := workers.exited():
            said = ", ".join(f"{w.role} (exit {w.process.returncode})" for w in gone)
            result.failures.append(f"stopped by itself before the end: {said}")
            return
        if kills < options.kills and done >= (kills + 1) / (options.kills + 1):
            time.sleep(rng.uniform(0, 0.2))  # a random moment
            # The writer every other time: it is the one with the most to lose.
            writer = kills % 2 == 0 or options.runners == 0
            target = workers.workers[0 if writer else rng.randrange(1, len(workers.workers))]
            workers.kill(target)
            result.kills["writer" if writer else "command runner"] += 1
            kills += 1
    result.notes.append(f"time limit ({options.max_seconds:.0f} s) reached")


def _collect(plan: Plan, result: TortureResult) -> None:
    """Counts and failures from every process's logs."""
    for path in sorted(plan.logs.glob("*.log")):
        events = read_events(path)
        for event in events:
            if event["e"] in ("ack", "op"):
                result.operations[f"writer: {event['kind']}"] += 1
            elif event["e"] == "end":
                result.operations[f"command: {event['command']}"] += 1
                if event["outcome"] != "failure":
                    result.outcomes[event["what"]] += 1
            elif event["e"] == "calm":
                result.outcomes[f"writer {event['where']}: {event['message'][:60]}"] += 1
            elif event["e"] == "failure":
                result.failures.append(f"{event['where']}: {event['message']}")
        if path.name.startswith("runner-") and events and events[-1]["e"] == "start":
            result.commands_killed += 1
    for path in sorted(plan.logs.glob("*.stderr")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if TRACEBACK in text:
            result.failures.append(f"{path.stem}: {text.strip()[-2000:]}")


# ---- the check at the end ------------------------------------------------------------------


def check_folder(plan: Plan, result: TortureResult) -> None:
    """Open the folder as a start does and compare it with the acknowledgement logs."""
    folder = Path(plan.data)
    try:
        prepare_folder(folder)
        protection.forget_keys()
        if plan.passphrase_file is not None:
            protection.unlock(folder, PASSPHRASE)
        store = Store(folder)
    except StoreError as exc:
        result.integrity.append("the database does not open")
        result.failures.append(f"the folder does not open at the end: {exc}")
        return
    try:
        result.integrity.append(_integrity(store))
        for note in recover(store):
            result.notes.append(f"at the last start: {note}")
        result.integrity.append(_integrity(store))
        _check_verdicts(plan, store, result)
        _check_scans(plan, store, result)
    except (sqlite3.Error, StoreError) as exc:
        result.failures.append(f"the folder cannot be read at the end: {exc!r}")
    finally:
        store.close()


def _integrity(store: Store) -> str:
    rows = [str(row[0]) for row in store.db.execute("PRAGMA integrity_check")]
    return "ok" if rows == ["ok"] else "; ".join(rows[:5])


def _writes(plan: Plan, name: str) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """(incarnation, events) of one writer thread's logs, oldest incarnation first."""
    found = []
    for path in plan.logs.glob(f"writer-*-{name}.log"):
        incarnation = int(path.name.split("-")[1])
        found.append((incarnation, read_events(path)))
    yield from sorted(found, key=lambda pair: pair[0])


def _check_verdicts(plan: Plan, store: Store, result: TortureResult) -> None:
    """The stored verdict of each image is its last acknowledged one, or one written after
    it (a kill came between the commit and the acknowledgement)."""
    history: dict[str, list[tuple[str, str, bool]]] = {sha: [] for sha in plan.verdict_shas}
    for share in range(plan.verdict_threads):
        mine = set(plan.verdict_shas[share :: plan.verdict_threads])
        for _incarnation, events in _writes(plan, f"verdicts-{share}"):
            for event in events:
                assert event["sha"] in mine, "one thread per image"
                value = (event["verdict"], event["at"])
                if event["e"] == "intent":
                    history[event["sha"]].append((*value, False))
                else:
                    assert history[event["sha"]][-1][:2] == value, "ack after its intent"
                    history[event["sha"]][-1] = (*value, True)
    for sha, writes in history.items():
        acked = [n for n, write in enumerate(writes) if write[2]]
        allowed: set[tuple[str, str] | None] = {w[:2] for w in writes[acked[-1] if acked else 0 :]}
        if not acked:
            allowed.add(None)
        record = store.verdict(sha)
        stored = None if record is None else (str(record.verdict), record.verdict_at)
        result.acknowledged["verdicts"] += len(acked)
        if acked:
            result.acknowledged["images whose last acknowledged verdict was compared"] += 1
            if stored is not None and stored != writes[acked[-1]][:2]:
                result.acknowledged["  (of them: a later unacknowledged one is stored)"] += 1
        if stored not in allowed:
            last = writes[acked[-1]][:2] if acked else None
            result.failures.append(
                f"verdict of {sha[:12]} lost: acknowledged {last}, stored {stored}"
            )
        mirrored = {
            (row[0], row[1])
            for row in store.db.execute(
                "SELECT verdict, verdict_at FROM items WHERE sha256 = ?", (sha,)
            )
        }
        if mirrored != {stored or (None, None)}:
            result.failures.append(f"items of {sha[:12]} show {mirrored}, verdicts {stored}")


def _check_scans(plan: Plan, store: Store, result: TortureResult) -> None:
    """Every acknowledged scan, item and finished scan is there, as written."""
    for _incarnation, events in _writes(plan, "scans"):
        for event in events:
            if event["e"] != "ack":
                continue
            kind = event["kind"]
            result.acknowledged[f"{kind}s"] += 1
            scan = store.scan(event["scan"])
            if scan is None or scan.inputs != (event["inputs"],):
                found = None if scan is None else scan.inputs
                result.failures.append(f"acknowledged scan {event['scan']} is {found}")
            elif kind == "finished scan" and scan.status is not ScanStatus.FINISHED:
                result.failures.append(f"finished scan {scan.id} is {scan.status}")
            elif kind == "item":
                row = store.db.execute(
                    "SELECT scan_id, seq, sha256 FROM items WHERE id = ?", (event["item"],)
                ).fetchone()
                if row is None or tuple(row) != (event["scan"], event["seq"], event["sha"]):
                    found = None if row is None else tuple(row)
                    result.failures.append(f"acknowledged item {event['item']} is {found}")


# ---- entry points --------------------------------------------------------------------------


def worker_main(argv: list[str]) -> int:
    """`writer INCARNATION --root R` or `runner INDEX INCARNATION --root R`."""
    parser = argparse.ArgumentParser(prog="benchmarks.torture worker")
    parser.add_argument("role", choices=["writer", "runner"])
    parser.add_argument("numbers", type=int, nargs="+")
    parser.add_argument("--root", type=Path, required=True)
    args = parser.parse_args(argv)
    plan = Plan.load(args.root)
    if args.role == "writer":
        return _Writer(plan, args.numbers[0]).run()
    return _Runner(plan, args.numbers[0], args.numbers[1]).run()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("writer", "runner"):
        return worker_main(argv)
    defaults = TortureOptions()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.torture",
        description="Many processes on one data folder, killed at random (see the module).",
    )
    parser.add_argument("--operations", type=int, default=defaults.operations)
    parser.add_argument("--kills", type=int, default=defaults.kills)
    parser.add_argument("--protected", action="store_true", help="protect the folder first")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--commands",
        type=int,
        default=defaults.min_commands,
        help="at least this many commands run (they count as operations)",
    )
    parser.add_argument("--runners", type=int, default=defaults.runners)
    parser.add_argument("--max-seconds", type=float, default=defaults.max_seconds)
    parser.add_argument("--keep", action="store_true", help="keep the folder (its path is said)")
    args = parser.parse_args(argv)
    options = TortureOptions(
        operations=args.operations,
        kills=args.kills,
        protected=args.protected,
        seed=args.seed,
        runners=args.runners,
        min_commands=args.commands,
        max_seconds=args.max_seconds,
    )
    root = Path(tempfile.mkdtemp(prefix="likeness-guard-torture-"))
    try:
        result = run_torture(root, options)
    finally:
        if args.keep:
            print(f"The folder is kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    print("\n".join(result.lines()), flush=True)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
