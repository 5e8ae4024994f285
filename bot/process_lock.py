"""One process per database: an OS-level lock beside the database file, held while the bot runs.

Two bots on one database would both answer every interaction and both send every reminder. The lock is
`flock` on `<database>.lock`: the kernel releases it when the process ends, however it ends, so a crashed
process never holds it and nothing needs cleaning up. The file records the holder's pid for the message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from bot.store import StoreError


class AlreadyRunning(RuntimeError):
    """Another process holds the database; the message says which and what to do."""

    def __init__(self, message: str, pid: int | None = None, role: str = "") -> None:
        super().__init__(message)
        self.pid = pid  # the holder, as it recorded itself (None if it could not be read)
        self.role = role  # what the holder is doing: "run" (a bot), "sync", "migrate", "load"


class DatabaseLock:
    def __init__(self, db_path: Path, role: str = "run") -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self.role = role
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(f"cannot use the database at {self.path.with_suffix('')}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid, _, role = os.pread(fd, 64, 0).decode(errors="replace").strip().partition(" ")
            os.close(fd)
            raise AlreadyRunning(
                f"another pitwall is already running on {self.path.with_suffix('')} (pid {pid or 'unknown'}). "
                "Run one process per database: stop that one first, or give this one its own PITWALL_DB_PATH.",
                int(pid) if pid.isdigit() else None, role.strip(),
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {self.role}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None

    def __enter__(self) -> DatabaseLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
