"""Opening the core (store, dataset, services) once, the same way for the Discord bot and the console."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Settings
from bot.dataset.check import check_dataset
from bot.dataset.loader import DatasetError, content_hash
from bot.dataset.model import Dataset
from bot.questions import Questions
from bot.reminders.service import ReminderService
from bot.services import Services
from bot.store import Store, StoreMissing

log = logging.getLogger(__name__)


@dataclass
class Core:
    store: Store
    services: Services
    questions: Questions
    reminders: ReminderService
    _reloading: asyncio.Lock = field(default_factory=asyncio.Lock)

    @classmethod
    async def open(cls, settings: Settings, clock: Clock) -> Core:
        """Open the database, load the dataset if it changed, and build the services.

        A dataset with problems is never loaded: the previous good one keeps answering (and the problems
        are logged); with no previous one, DatasetError is raised.
        """
        store = await Store.open(settings.database, scope=settings.shards)
        return await cls._around(store, clock, _load_dataset(store, settings, clock))

    @classmethod
    async def open_offline(cls, settings: Settings, clock: Clock) -> tuple[Core, list[str]]:
        """For `pitwall ask` and `pitwall console`: answer from the database as the bot serves it, and never
        change it (no migration, no dataset load), since a bot may be running on it. Returns notes for the
        operator, such as a dataset changed since it was loaded (reported, not loaded).

        With no database yet, the answers come from a private in-memory copy of the dataset.
        """
        notes: list[str] = []
        try:
            store = await Store.open_readonly(settings.database)
        except StoreMissing:
            log.info("no database at %s: answering from %s in memory", settings.database, settings.data_dir)
            store = await Store.open_memory()
            return await cls._around(store, clock, _load_dataset(store, settings, clock)), notes
        else:
            if await store.dataset.content_hash() != content_hash(settings.data_dir):
                notes.append(f"{settings.data_dir} has changed since it was loaded into {store.where}; "
                             "these answers come from the database. Run `pitwall data load` to load it (into the "
                             "running bot, if one is running).")
        return await cls._around(store, clock), notes

    @classmethod
    async def _around(cls, store: Store, clock: Clock, prepare: Awaitable[None] | None = None) -> Core:
        """The services around an open store (after `prepare`, such as loading the dataset); the store is closed
        if that fails."""
        try:
            if prepare is not None:
                await prepare
            services = Services(store, clock)
            await services.refresh()
        except BaseException:
            await store.close()
            raise
        return cls(store, services, Questions(services), ReminderService(services))

    async def reload(self, settings: Settings, clock: Clock) -> Reload:
        """Load a changed dataset into the store and answer from it from now on (SIGHUP, or a test).

        A dataset with problems is refused and the one loaded keeps answering. Questions under way finish on the
        snapshot they took; the ones asked after the swap see only the new one. Reminders and announcements are
        re-planned from the new data.
        """
        async with self._reloading:  # two SIGHUPs in a row load once, then find nothing changed
            report = check_dataset(settings.data_dir)
            if not report.ok:
                log.error("dataset reload refused: %d problem(s) in %s; still answering from the loaded one:\n- %s",
                          len(report.problems), settings.data_dir, "\n- ".join(report.problems))
                return Reload(False, report.problems)
            loaded = await self.store.dataset.load(report.dataset, clock.now())
            if not loaded and self.services.catalog.content_hash == report.dataset.content_hash:
                log.info("dataset reload: %s is unchanged", settings.data_dir)
                return Reload(False)
            # Loaded now, or loaded by a reload that failed before answering from it: finish that one.
            await self.services.refresh()
            await self.reminders.replan_all()
            log.info("dataset reloaded from %s: answering from it now", settings.data_dir)
            return Reload(True)

    async def follow_store(self) -> bool:
        """On a shared database: answer from the dataset another process loaded (`pitwall data load`, a SIGHUP
        elsewhere), and re-plan this process's servers for it. Returns whether there was a new one."""
        async with self._reloading:
            stored = await self.store.dataset.content_hash()
            if stored is None or stored == self.services.catalog.content_hash:
                return False
            await self.services.refresh()
            await self.reminders.replan_all()
            log.info("answering from the dataset %s, loaded into the database by another process", stored[:12])
            return True

    async def close(self) -> None:
        await self.store.close()


@dataclass(frozen=True)
class Reload:
    changed: bool
    problems: list[str] = field(default_factory=list)  # why it was refused, when it was


async def load_into_database(settings: Settings, clock: Clock, dataset: Dataset) -> str:
    """`pitwall data load` with no bot to ask (or on a shared database): the checked dataset into the store, and
    nothing re-planned here: each bot re-plans its own servers when it answers from it. Returns its content hash."""
    store = await Store.open(settings.database)
    try:
        await store.dataset.load(dataset, clock.now())
        return await store.dataset.content_hash() or ""
    finally:
        await store.close()


async def _load_dataset(store: Store, settings: Settings, clock: Clock) -> None:
    stored = await store.dataset.content_hash()
    if stored == content_hash(settings.data_dir):
        return
    if settings.shared_database and stored is not None:
        # Several processes, perhaps of different releases, share this database: the dataset in it is the one
        # they all answer from. Starting a process never replaces it; `pitwall data load` (or a SIGHUP) does.
        log.warning("the database holds dataset %s and %s differs: answering from the database's; run `pitwall data "
                    "load` to load this one into it for every process", stored[:12], settings.data_dir)
        return
    report = check_dataset(settings.data_dir)
    if not report.ok:
        if stored is None:
            raise DatasetError(report.problems)
        log.error("dataset in %s has problems; still answering from the previous one:\n- %s",
                  settings.data_dir, "\n- ".join(report.problems))
        return
    await store.dataset.load(report.dataset, clock.now())
