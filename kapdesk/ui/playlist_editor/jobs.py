"""Work off the UI thread: a private thread pool whose results come back on the UI thread.

    jobs = Jobs(threads=2, parent=self)
    jobs.submit(lambda: slow(path), on_done)    # on_done(result, error) on the UI thread
    jobs.shutdown()                             # before the owner goes: waits for running work

The database is touched only in `on_done`, on the UI thread (SQLite connections belong to
the thread that opened them). A job never outlives `shutdown()`: queued ones are dropped,
running ones finish and their results are discarded.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

log = logging.getLogger(__name__)

Done = Callable[[Any, BaseException | None], None]


class Jobs(QObject):
    idle_changed = Signal(bool)  # True when nothing is queued or running
    _finished = Signal(object, object, object)  # on_done, result, error (queued to the UI)

    def __init__(self, threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max(1, threads))
        self._pending = 0
        self._closing = threading.Event()
        self._finished.connect(self._on_finished)

    @property
    def pending(self) -> int:
        """Jobs submitted whose result has not been handed back yet."""
        return self._pending

    def closing(self) -> bool:
        """True once shutdown() began: long work should stop early."""
        return self._closing.is_set()

    def submit(self, work: Callable[[], Any], on_done: Done) -> None:
        if self._closing.is_set():
            return
        self._pending += 1
        if self._pending == 1:
            self.idle_changed.emit(False)
        self._pool.start(lambda: self._run(work, on_done))

    def _run(self, work: Callable[[], Any], on_done: Done) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = work()
        except Exception as exc:  # handed to on_done; never lost in the pool
            log.exception("playlist editor: background work failed")
            error = exc
        if not self._closing.is_set():
            self._finished.emit(on_done, result, error)

    def _on_finished(self, on_done: Done, result: Any, error: BaseException | None) -> None:
        self._pending = max(0, self._pending - 1)
        try:
            if not self._closing.is_set():
                on_done(result, error)
        finally:
            if self._pending == 0:
                self.idle_changed.emit(True)

    def shutdown(self, wait_ms: int = 10_000) -> None:
        """Drop queued work, wait for running work, discard its results."""
        self._closing.set()
        self._pool.clear()
        if not self._pool.waitForDone(wait_ms):
            log.warning("playlist editor: background work still running after %d ms", wait_ms)
        self._pending = 0
