"""Handing values between the scan's threads through bounded queues, without ever waiting
for good: a put gives up when its side is told to stop, and a queue can be emptied to
unblock the other side."""

import queue
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def put_unless_stopped(into: "queue.Queue[T]", value: T, stopped: Callable[[], bool]) -> bool:
    """Put `value` once there is room; False when `stopped()` turned true first."""
    while not stopped():
        try:
            into.put(value, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def drain(source: "queue.Queue[T]") -> None:
    """Drop whatever waits in the queue (which unblocks a put waiting for room)."""
    try:
        while True:
            source.get_nowait()
    except queue.Empty:
        pass


def at_most_every(seconds: float, check: Callable[[], bool]) -> Callable[[], bool]:
    """`check`, asked at most once per `seconds` (its answer held in between; once true,
    it stays true). A scan asks "was I told to stop?" after every item: three file checks
    each time cost a rescan of unchanged files a quarter of its time."""
    last_asked = -float("inf")
    answer = False

    def throttled() -> bool:
        nonlocal last_asked, answer
        now = time.monotonic()
        if not answer and now - last_asked >= seconds:
            last_asked, answer = now, check()
        return answer

    return throttled
