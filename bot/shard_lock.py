"""One process per shard on a shared PostgreSQL database (SQLite's file lock, `bot.process_lock`, is one process
per database).

The process holds a PostgreSQL advisory lock per shard it serves, on a connection of its own, for its whole life.
PostgreSQL releases them when that connection ends, however the process ends, so a process restarted after a crash,
or a standby waiting for them (`pitwall run --standby`), takes the shards over. The same connection's
application_name says what it serves ("pitwall shards 0-3 of 8"), so that the message for a refused start names
who holds the shards, and so that processes with different shard counts (which would split servers differently)
are refused too.

Exactly once never rests on this lock: claims are row-locked transactions (`ReminderRows.claim_due`). The lock keeps
every shard served by one process, so that each server's reminders keep their order and pace.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.process_lock import AlreadyRunning
from bot.shards import ShardScope, describe, parse_shards
from bot.store.database import StoreError, lock_key
from bot.store.postgres import redacted, unreachable

if TYPE_CHECKING:
    import asyncpg

log = logging.getLogger(__name__)
_LAYOUT_LOCK = lock_key("pitwall", "shard-layout")
_NAME = re.compile(r"^pitwall shards (?:all|(?P<ids>[0-9,-]+) of (?P<count>\d+))")
STANDBY_POLL = 5.0  # seconds between a standby's tries
PROBE_EVERY, PROBE_TIMEOUT = 10.0, 5.0  # a connection that stops answering has lost its locks as far as we know
LABEL_LIMIT = 63  # PostgreSQL keeps this many bytes of application_name


class StandbyStopped(Exception):
    """A stop was asked while waiting for the shards."""


def _label(scope: ShardScope | None) -> str:
    return "pitwall shards all" if scope is None else f"pitwall shards {describe(scope.ids)} of {scope.count}"


def conflict(mine: ShardScope | None, theirs: str) -> str | None:
    """Why a live process labelled `theirs` and this one cannot both run, or None."""
    match = _NAME.match(theirs)
    if match is None:
        return None
    if match.group("count") is None:
        return "serves every shard"
    count = int(match.group("count"))
    try:
        ids = set(parse_shards(match.group("ids"), count).ids)
    except ValueError:
        return None  # not a layout pitwall wrote
    if mine is None:
        return f"serves shards {describe(tuple(sorted(ids)))} of {count}"
    if count != mine.count:
        return f"splits servers into {count} shards, not {mine.count}"
    if ids & set(mine.ids):
        return f"serves shards {describe(tuple(sorted(ids & set(mine.ids))))} of {count}"
    return None


class ShardLock:
    def __init__(self, url: str, scope: ShardScope | None) -> None:
        self.url = url
        self.scope = scope
        self._connection: asyncpg.Connection | None = None
        self.on_lost: Callable[[], None] | None = None  # called if the connection (so the lock) is lost
        self._releasing = False
        self._stop = asyncio.Event()
        self._probe: asyncio.Task[None] | None = None

    @property
    def keys(self) -> list[int]:
        if self.scope is None:
            return [lock_key("shard", "all")]
        return [lock_key("shard", self.scope.count, shard) for shard in self.scope.ids]

    async def acquire(self, *, standby: bool = False) -> None:
        """Take the shards, or raise AlreadyRunning naming who has them; a standby waits for them instead."""
        import asyncpg

        if len(_label(self.scope)) > LABEL_LIMIT:
            raise StoreError(f"{_label(self.scope)!r} is too long for PostgreSQL to show other processes: name these "
                             "shards as fewer ranges (e.g. 0-31 rather than every other shard)")
        try:
            self._connection = await asyncpg.connect(self.url, server_settings={"application_name": "pitwall"})
        except Exception as exc:  # asyncpg, OS and DNS errors: all about reaching the server
            raise unreachable(self.url, exc) from exc
        announced = False
        while True:
            refusal = await self._try()
            if refusal is None:
                break
            if not standby:
                await self._close()
                raise AlreadyRunning(f"{refusal} Run one process per shard: stop that one first, give this one other "
                                     "shards (--shards, --shard-count), or start it with --standby to take over "
                                     "when that one stops.")
            if not announced:
                log.info("standby: %s Waiting to take over.", refusal)
                announced = True
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=STANDBY_POLL)
            except TimeoutError:
                continue
            await self._close()
            raise StandbyStopped
        self._connection.add_termination_listener(self._terminated)
        self._probe = asyncio.create_task(self._keep_probing(), name="pitwall-shard-lock-probe")
        log.info("serving %s of the database at %s", "every shard" if self.scope is None else self.scope,
                 redacted(self.url))

    async def _try(self) -> str | None:
        """One attempt, under the layout lock so that two processes starting together decide one after the other."""
        assert self._connection is not None
        connection = self._connection
        async with connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", _LAYOUT_LOCK)
            for pid, name, host in await connection.fetch(
                    "SELECT pid, application_name, client_addr FROM pg_stat_activity"
                    " WHERE application_name LIKE 'pitwall shards %' AND pid <> pg_backend_pid()"
                    " AND datname = current_database()"):  # advisory locks are per database too
                why = conflict(self.scope, name)
                if why is not None:
                    return (f"another pitwall ({name.removeprefix('pitwall ')}; database pid {pid}"
                            f"{f', from {host}' if host else ''}) {why} on this database.")
            taken: list[int] = []
            for key in self.keys:
                if not await connection.fetchval("SELECT pg_try_advisory_lock($1)", key):
                    for held in taken:
                        await connection.execute("SELECT pg_advisory_unlock($1)", held)
                    return "another process holds some of these shards on this database."
                taken.append(key)
            # Visible to the next process only once the locks are held (the layout lock is released at commit).
            await connection.execute("SELECT set_config('application_name', $1, false)",
                                     f"{_label(self.scope)} pid {os.getpid()} {socket.gethostname()}"[:63])
        return None

    def stop_waiting(self) -> None:
        """A stop asked while a standby waits: acquire() gives up (StandbyStopped)."""
        self._stop.set()

    async def _keep_probing(self) -> None:
        """A connection can die without a word (a half-open TCP connection): ask it something every PROBE_EVERY."""
        while self._connection is not None:
            await asyncio.sleep(PROBE_EVERY)
            try:
                await asyncio.wait_for(self._connection.fetchval("SELECT 1"), timeout=PROBE_TIMEOUT)
            except asyncio.CancelledError:
                raise
            except Exception:
                self._terminated(None)
                return

    def _terminated(self, _connection: object) -> None:
        if not self._releasing:
            self._releasing = True  # said once, whether the probe or the connection noticed first
            log.critical("lost the connection that holds %s: stopping, so that another process can take over",
                         "every shard" if self.scope is None else self.scope)
            if self.on_lost is not None:
                self.on_lost()

    async def _close(self) -> None:
        if self._probe is not None and self._probe is not asyncio.current_task():
            self._probe.cancel()
            self._probe = None
        if self._connection is not None:
            self._releasing = True
            connection, self._connection = self._connection, None
            try:
                await asyncio.wait_for(connection.close(), timeout=PROBE_TIMEOUT)
            except Exception:
                connection.terminate()

    async def release(self) -> None:
        await self._close()
