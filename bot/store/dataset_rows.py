"""The curated dataset's rows: replaced together when its content changes, read by the services."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.dataset.model import Competition, Dataset, Event, Game, Season, Source
from bot.store import reads, writes
from bot.store.database import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Announcement:
    key: str
    revision: int  # 0 as it first appeared; each change of what it says adds one (a correction)
    first_seen_at: datetime
    changed_at: datetime


@dataclass(frozen=True)
class DatasetView:
    competitions: list[Competition]
    seasons: list[Season]
    games: list[Game]
    sources: list[Source]
    events: list[Event]
    content_hash: str


class DatasetRows:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def content_hash(self) -> str | None:
        return await reads.meta(self._database, "content_hash")

    async def load(self, dataset: Dataset, now: datetime) -> bool:
        """Replace the dataset's rows if its content changed. Returns whether anything was reloaded."""
        if await self.content_hash() == dataset.content_hash:
            return False
        async with self._database.transaction() as db:
            # Two processes starting on one new dataset load it once: the second finds it loaded.
            await db.serialise("dataset")
            if await reads.meta(db, "content_hash") == dataset.content_hash:
                return False
            await writes.replace_dataset(db, dataset, now)
        log.info(
            "dataset loaded: %d seasons, %d games, %d sources (hash %s)",
            len(dataset.seasons), len(dataset.games), len(dataset.sources), dataset.content_hash[:12],
        )
        return True

    async def everything(self) -> DatasetView:
        """The whole dataset as of one moment: what a snapshot of the services is built from."""
        async with self._database.snapshot() as db:
            return DatasetView(await reads.competitions(db), await reads.seasons(db), await reads.games(db),
                               await reads.sources(db), await reads.events(db),
                               await reads.meta(db, "content_hash") or "")

    async def announcements(self) -> dict[str, Announcement]:
        """What the dataset announces now (see bot.announcements), by key."""
        rows = await self._database.fetchall(
            "SELECT key, revision, first_seen_at, changed_at FROM announcement WHERE retracted_at IS NULL")
        return {row[0]: Announcement(row[0], row[1], datetime.fromisoformat(row[2]), datetime.fromisoformat(row[3]))
                for row in rows}
