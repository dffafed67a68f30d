"""Run the same work in several threads at once, for the PostgreSQL race tests.

Each thread waits at a barrier so they start together, records "ok" or the error's code, and
closes its own database connections (Django opens one per thread)."""

import threading
from collections.abc import Callable

from django.db import connections


def run_together(count: int, work: Callable[[int], object]) -> list[str]:
    """`work(i)` for i in 0..count-1 at the same moment; the outcomes, in finishing order."""
    start = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def one(index: int) -> None:
        try:
            start.wait()
            try:
                work(index)
                outcome = "ok"
            except Exception as error:
                outcome = getattr(error, "code", repr(error))
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
