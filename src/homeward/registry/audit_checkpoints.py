"""Signed checkpoints of the audit chain, kept where the database cannot rewrite them.

A checkpoint says "the chain had ``count`` events and event ``seq`` had hash ``hash`` at
time ``at``", signed with the Ed25519 audit signing key. Checkpoints are appended, one JSON
line each, to ``HOMEWARD_AUDIT_CHECKPOINT_FILE`` (opened for appending only, under an
exclusive ``flock`` so that processes do not interleave) and logged on the
``homeward.audit.checkpoints`` logger, which an operator can ship to an external log
(syslog, a SIEM, a WORM bucket). Someone who rewrites the database cannot rewrite these,
so a truncated tail, or a chain rebuilt by whoever stole the chain key, shows against them
(``homeward audit verify``).

One is written after a commit once ``HOMEWARD_AUDIT_CHECKPOINT_EVERY`` events have passed
since the last one, and by ``homeward audit checkpoint`` (for cron).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from homeward.security.audit_keys import AuditKeys

try:  # POSIX; elsewhere a single line append is left to the OS
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("homeward.audit.checkpoints")
_TAIL_BYTES = 16_384
_last_seq: dict[Path, int] = {}


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    count: int
    hash: str
    at: str
    key_id: str
    signer: str
    signature: str
    line: int = 0

    def payload(self) -> bytes:
        fields = {k: v for k, v in asdict(self).items() if k not in ("signature", "line")}
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _open_for_append(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)


def _last_seq_in(fd: int) -> int:
    size = os.fstat(fd).st_size
    start = max(0, size - _TAIL_BYTES)
    tail = os.pread(fd, size - start, start).decode(errors="replace").splitlines()
    if start:
        tail = tail[1:]  # the first line may be cut
    seqs = [0]
    for text in tail:
        try:
            seqs.append(int(json.loads(text)["seq"]))
        except (ValueError, KeyError, TypeError):
            continue
    return max(seqs)


def append_checkpoint(keys: AuditKeys, seq: int, head_hash: str, *,
                      only_if_due: bool = False) -> Checkpoint | None:
    """Sign and append a checkpoint of event ``seq``; with ``only_if_due``, only when
    ``keys.checkpoint_every`` events have passed since the newest one in the file."""
    fd = _open_for_append(keys.checkpoint_file)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        last = _last_seq_in(fd)
        _last_seq[keys.checkpoint_file] = last
        if only_if_due and seq - last < keys.checkpoint_every:
            return None
        unsigned = Checkpoint(seq=seq, count=seq, hash=head_hash,
                              at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                              key_id=keys.key_id, signer=keys.signer_id, signature="")
        mark = Checkpoint(**{**asdict(unsigned), "signature": keys.sign(unsigned.payload())})
        fields = {k: v for k, v in asdict(mark).items() if k != "line"}
        line = json.dumps(fields, sort_keys=True) + "\n"
        os.write(fd, line.encode())
        os.fsync(fd)
        _last_seq[keys.checkpoint_file] = max(last, seq)
    finally:
        os.close(fd)  # also releases the lock
    log.info("audit checkpoint %s", line.strip())
    return mark


def checkpoint_if_due(keys: AuditKeys, seq: int, head_hash: str) -> Checkpoint | None:
    """After a commit that ended the chain at ``seq``: a checkpoint if one is due. The
    file is only read when this process's memory of it says one may be."""
    if keys.checkpoint_every <= 0:
        return None
    known = _last_seq.get(keys.checkpoint_file)
    if known is not None and seq - known < keys.checkpoint_every:
        return None
    return append_checkpoint(keys, seq, head_hash, only_if_due=True)


def read_checkpoints(keys: AuditKeys) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints that carry a valid signature, and a problem for every line that
    does not (unreadable, or not signed by this signing key)."""
    path = keys.checkpoint_file
    if not path.exists():
        return [], []
    marks: list[Checkpoint] = []
    problems: list[str] = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                fields = json.loads(text)
                mark = Checkpoint(seq=int(fields["seq"]), count=int(fields["count"]),
                                  hash=str(fields["hash"]), at=str(fields["at"]),
                                  key_id=str(fields["key_id"]), signer=str(fields["signer"]),
                                  signature=str(fields["signature"]), line=number)
            except (ValueError, KeyError, TypeError):
                problems.append(f"checkpoint file {path} line {number} is not a checkpoint")
                continue
            if not keys.signature_valid(mark.payload(), mark.signature):
                problems.append(f"checkpoint file {path} line {number} is not signed by the "
                                "audit signing key")
                continue
            marks.append(mark)
    return marks, problems


def forget_checkpoint_positions() -> None:
    """Forget what this process knows of checkpoint files (tests)."""
    _last_seq.clear()
