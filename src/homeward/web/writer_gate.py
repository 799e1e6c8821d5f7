"""One database request at a time per process, queued on the event loop.

The registry has one writer at a time: SQLite by design (registry/db.py: request
transactions begin IMMEDIATE and wait on the busy timeout), PostgreSQL for the audit
chain (its transaction-level advisory lock, registry/audit.py). A request takes that lock
in one worker thread and needs a worker thread again for its handler, its response
validation and its commit. When every thread of the small pool is taken by requests that
wait for the lock, the holder never gets a thread back: all wait until a timeout and fail
(the probe, on SQLite: 50 tips at once, 3 stored, 20 answered 500, 27 timed out; the same
test hung on PostgreSQL). The gate orders requests on the loop *before* they take a
thread, so the holder always finds one. It costs little: handlers share the interpreter
lock on few cores anyway (config.web_threads), and the public name search, which is most
of the traffic, runs on the loop outside the gate. Other processes (several uvicorn
workers) queue on the database's own lock, which works because each process's holder has
threads of its own.
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
    """Every dialect the registry runs on has a single writer (see above)."""
    return WriterGate() if dialect in ("sqlite", "postgresql") else None


def entered(gate: WriterGate | None) -> AbstractAsyncContextManager[object]:
    return gate.held() if gate is not None else nullcontext()
