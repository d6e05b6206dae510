"""Handing values between the scan's threads through bounded queues, without ever waiting
for good: a put gives up when its side is told to stop, and a queue can be emptied to
unblock the other side."""

import queue
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
