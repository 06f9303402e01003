"""A process-wide pause of the garbage collector around allocation-heavy evaluation."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_pause_lock = threading.Lock()
_pauses = 0


@contextmanager
def collector_paused() -> Iterator[None]:
    """Judging a large organisation allocates many objects that all live until the answer is built;
    the collector's full passes over them free nothing and made evaluation grow faster than linearly
    (10,000 people: two full passes, about 170 ms). Nested and concurrent pauses are counted."""
    global _pauses
    with _pause_lock:
        _pauses += 1
        if _pauses == 1:
            gc.disable()
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0:
                gc.enable()
