"""One database request at a time per process on SQLite, queued on the event loop.

SQLite has one writer (registry/db.py: request transactions begin IMMEDIATE and wait on
the busy timeout). A request takes the write lock in one worker thread (the signed-in
user's query) and needs a worker thread again for its handler and its commit. When every
thread of the small pool is taken by requests that wait for the lock, the holder never
gets a thread back to commit: all wait until the busy timeout and fail (the probe: 50
tips at once, 3 stored, 20 answered 500, 27 timed out). The gate orders requests on the
loop *before* they take a thread, so the holder always finds one. It costs little: the
handlers share the interpreter lock on few cores anyway (config.web_threads). Other
processes (several uvicorn workers) still queue on SQLite's busy timeout, which works
because each process's holder has threads of its own. PostgreSQL needs no gate.
"""

from __future__ import annotations

import asyncio
import weakref
from contextlib import AbstractAsyncContextManager, nullcontext


class WriterGate:
    """An asyncio lock per event loop (tests run one application on several loops)."""

    def __init__(self) -> None:
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary())

    def held(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock


def gate_for(dialect: str) -> WriterGate | None:
    return WriterGate() if dialect == "sqlite" else None


def entered(gate: WriterGate | None) -> AbstractAsyncContextManager[object]:
    return gate.held() if gate is not None else nullcontext()
