"""One process per database: the lock refuses a second holder and frees itself when the holder dies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.process_lock import AlreadyRunning, DatabaseLock

HOLD = "import sys, time; from pathlib import Path; from bot.process_lock import DatabaseLock; " \
       "DatabaseLock(Path(sys.argv[1])).acquire(); print('held', flush=True); time.sleep(60)"


def test_a_second_holder_is_refused_with_the_first_ones_pid(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    with DatabaseLock(db), pytest.raises(AlreadyRunning, match=r"already running on .*bot\.sqlite3 \(pid \d+\)"):
        DatabaseLock(db).acquire()
    with DatabaseLock(db):  # released on exit: the next one may start
        pass


def test_a_killed_holder_leaves_the_database_free(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyRunning, match=f"pid {holder.pid}"):
            DatabaseLock(db).acquire()
    finally:
        holder.kill()  # SIGKILL: no clean-up runs
        holder.wait(timeout=10)
    with DatabaseLock(db):
        pass
