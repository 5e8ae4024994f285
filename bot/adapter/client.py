"""The Discord client: opens the core in `setup_hook`, loads the cogs, syncs commands only when they changed."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot import health
from bot.adapter import pacing
from bot.adapter.locales import GuildLocales, LocaleTree
from bot.adapter.poster import DiscordPoster
from bot.adapter.scheduled_events import ScheduledEventSync
from bot.adapter.translator import CatalogTranslator
from bot.answer import Answer
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.core import Core
from bot.process_lock import AlreadyRunning, DatabaseLock
from bot.reminders.dispatcher import GLOBAL_LIMIT_SHARE, Pacer, ReminderDispatcher, shared_pace
from bot.shard_lock import ShardLock, StandbyStopped

if TYPE_CHECKING:
    import yarl  # discord.py's gateway URLs (a dependency of aiohttp)

log = logging.getLogger(__name__)


# Every extension, listed once. Order matters only in that the error handler is in place before commands run.
EXTENSIONS = ("cogs.errors", "cogs.components", "cogs.championships", "cogs.releases", "cogs.calendar", "cogs.about",
              "cogs.reminders", "cogs.server_settings", "cogs.custom_releases")


# How often a process on a shared database looks for a dataset another process loaded (one small query).
DATASET_POLL = timedelta(seconds=30)


def intents() -> discord.Intents:
    """The minimum: guild events (channels and roles, for reminders). No members, presences or message content."""
    return discord.Intents(guilds=True)


class PitwallBot(commands.AutoShardedBot):
    """discord.py's sharded bot: the shards of `settings.shards` in this process, or every shard Discord recommends
    (one for a bot in fewer than 2,500 servers)."""

    def __init__(self, settings: Settings, clock: Clock | None = None, *, sync_only: bool = False,
                 guild_ready_timeout: float = 2.0, standby: bool = False) -> None:
        shards = settings.shards
        # None for both: every shard, as many as Discord recommends (discord.py asks /gateway/bot).
        layout: dict[str, Any] = {"shard_count": shards.count, "shard_ids": list(shards.ids)} if shards else {}
        super().__init__(
            **layout,
            guild_ready_timeout=guild_ready_timeout,
            command_prefix=commands.when_mentioned,  # slash commands only; prefix commands are never read
            help_command=None,
            intents=intents(),
            # No text the bot sends may ping anyone unless a message widens this on purpose.
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=LocaleTree,
        )
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        # Discord's global limit is the bot's, across all its processes: a process serving only some shards sends in
        # its shards' share of the slots of the bot's pace (see Pacer), so that together they keep to it.
        if shards and not shards.everything:
            pace = Pacer(shared_pace(settings.global_rate_limit, shards.ids, shards.count),
                         slots=(shards.ids, shards.count))
        else:
            pace = Pacer(settings.global_rate_limit * GLOBAL_LIMIT_SHARE)
        pacing.install(self.http, pace)
        self.sync_only = sync_only
        # Past this many seconds of thinking an answer is deferred (Discord drops it after 3 s).
        self.defer_after = 2.0
        self._core: Core | None = None
        self.guild_locales = GuildLocales(self)
        # One process per SQLite file; one process per shard on PostgreSQL (syncing commands needs neither).
        self._lock = DatabaseLock(settings.db_path, "sync" if sync_only else "run")
        self._shard_lock = (ShardLock(settings.database_url, shards)
                            if settings.database_url and not sync_only else None)
        self.standby = standby
        self.lost_shards = False  # the shard lock's connection dropped: stopped so that another process takes over
        self._shards_lost_task: asyncio.Future[None] | None = None
        self.dispatcher: ReminderDispatcher | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._follower: asyncio.Task[None] | None = None  # shared database: the dataset other processes load
        # Discord scheduled events of the servers that opted in: `await bot.scheduled_events.sync_all()`.
        self.scheduled_events = ScheduledEventSync(self, lambda: self.core, self.clock)
        self._background: set[asyncio.Task[Any]] = set()  # reloads under way (kept referenced until done)
        # A reload re-plans, and nothing may re-plan before start-up has resolved what a previous process left in
        # flight (a re-plan would give those rows new nonces): one asked earlier waits for the end of start-up.
        self._started = False
        self._reload_waiting = False
        self._starting, self._closing = False, False
        self._start_done = asyncio.Event()
        # Questions that a button may ask again but the console does not know (admin lists), by their line.
        self.line_handlers: dict[str, Callable[[discord.Interaction], Awaitable[Answer]]] = {}

    @property
    def core(self) -> Core:
        if self._core is None:
            raise RuntimeError("the core is opened in setup_hook")
        return self._core

    async def setup_hook(self) -> None:
        # A stop asked during start-up (SIGTERM) waits for it to reach a safe point rather than close the store under
        # it; a standby still waiting for its shards stops waiting.
        self._starting = True
        try:
            started = await self._start_up()
        finally:
            self._starting = False
            self._start_done.set()
        if self.sync_only:
            await self.close()
            return
        if not started or self._closing:
            return
        self._serve()

    async def _start_up(self) -> bool:
        """Everything before the bot serves; False if a stop came first."""
        # Before anything is opened or sent: a second bot on this database must not answer or post anything.
        if self._shard_lock is not None:
            self._shard_lock.on_lost = self._on_shards_lost
            try:
                await self._shard_lock.acquire(standby=self.standby)
            except StandbyStopped:
                return False
        elif self.settings.shards is not None and not self.settings.shards.everything:
            raise AlreadyRunning(f"this process would serve only {self.settings.shards}, and SQLite serves one "
                                 "process: run every shard in it (leave out --shards), or set PITWALL_DATABASE_URL "
                                 "to a PostgreSQL database that several processes share.")
        else:
            self._lock.acquire()
        if self._closing:
            return False
        self._core = await Core.open(self.settings, self.clock)
        # The pace is kept in front of every REST request (bot.adapter.pacing), not only the reminder posts.
        self.dispatcher = ReminderDispatcher(self.core.reminders, DiscordPoster(self),
                                             grace=self.settings.reminder_grace, per_second=math.inf)
        self.core.reminders.on_change = self.dispatcher.wake
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.tree.set_translator(CatalogTranslator())
        await self.sync_commands(force=self.sync_only)
        if self.sync_only or self._closing:
            return not self._closing
        # First finish what a previous process left in flight (same nonces), then re-plan for a dataset that
        # may have moved a date since the last run, then wait for what is due.
        await self.dispatcher.recover()
        await self.core.reminders.replan_all()
        return True

    def _serve(self) -> None:
        """Serve: the dispatcher, the heartbeat, following the shared dataset, Discord events."""
        assert self.dispatcher is not None
        self.dispatcher.start()
        self._started = True
        if self._reload_waiting:
            self.reload_in_background()
        self._heartbeat = asyncio.create_task(self._beat(), name="pitwall-heartbeat")
        if self.settings.shared_database:
            self._follower = asyncio.create_task(self._follow_store(), name="pitwall-follow-dataset")
        self.scheduled_events.start()  # syncs once the guilds are available, then every few hours

    async def launch_shard(self, gateway: yarl.URL, shard_id: int, *, initial: bool = False) -> None:
        # discord.py retries a shard that failed to connect every 5 s, forever; once stopping (SIGTERM while the
        # shards were still connecting), every try fails on the closed session, so the retries must end here.
        if self.stopping or self.is_closed():
            return
        await super().launch_shard(gateway, shard_id, initial=initial)

    @property
    def stopping(self) -> bool:
        """close() was called: what fails from now on is the stop, not a fault."""
        return self._closing

    def _on_shards_lost(self) -> None:
        self.lost_shards = True
        task = asyncio.ensure_future(self.close())
        self._shards_lost_task = task  # referenced until done

    def reload_in_background(self) -> None:
        """SIGHUP: reload the dataset without stopping (see Core.reload); failures are logged, never raised."""
        task = asyncio.create_task(self.reload_dataset(), name="pitwall-reload")
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def reload_dataset(self) -> bool:
        """Reload the dataset now; returns whether it changed. A refused dataset leaves the loaded one answering."""
        if not self._started or self._core is None:
            log.info("dataset reload asked during start-up: it runs once start-up is over")
            self._reload_waiting = True
            return False
        self._reload_waiting = False
        try:
            result = await self.core.reload(self.settings, self.clock)
        except Exception:
            log.exception("dataset reload failed; still answering from the loaded dataset")
            return False
        if result.changed:
            await self.after_reload()
        return result.changed

    async def after_reload(self) -> None:
        """What else follows the data (re-planned reminders are woken by the re-plan itself): the servers' Discord
        scheduled events are brought up to date."""
        try:
            await self.scheduled_events.sync_all()
        except Exception:
            log.exception("syncing Discord scheduled events after the reload failed; the next sync tries again")

    async def _beat(self) -> None:
        """Record, every HEARTBEAT_EVERY, that this process is connected and its dispatcher is alive, for
        `pitwall health` (a container's health check, a monitor) to read without touching the bot."""
        await self.wait_until_ready()
        while True:
            alive = self.dispatcher is not None and self.dispatcher.running
            if self.is_ready() and not self.is_closed() and alive:
                try:
                    await health.record(self.core.store, self.clock.now())
                except Exception:
                    log.warning("could not record the heartbeat", exc_info=True)
            await self.clock.sleep_until(self.clock.now() + health.HEARTBEAT_EVERY)

    async def _follow_store(self) -> None:
        """Shared database: every DATASET_POLL, answer from a dataset another process loaded into it."""
        while True:
            await self.clock.sleep_until(self.clock.now() + DATASET_POLL)
            try:
                if await self.core.follow_store():
                    await self.after_reload()
            except Exception:
                log.exception("could not follow the dataset in the database; trying again in %s", DATASET_POLL)

    async def close(self) -> None:
        self._closing = True
        if self._starting:
            if self._shard_lock is not None:
                self._shard_lock.stop_waiting()
            await self._start_done.wait()
        if self._follower is not None:
            self._follower.cancel()
            self._follower = None
        for task in list(self._background):  # a reload must not outlive the store it writes
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        await self.scheduled_events.stop()
        if self.dispatcher is not None:
            await self.dispatcher.stop()
        # discord.py's AutoShardedClient.close() posts to a queue that only connect() makes: a bot closed before it
        # connected (`pitwall sync`, a start-up that failed) needs one, or closing raises AttributeError.
        if not hasattr(self, "_AutoShardedClient__queue"):
            setattr(self, "_AutoShardedClient__queue", asyncio.PriorityQueue())  # noqa: B010 - a name-mangled slot
        await super().close()
        await self.guild_locales.settled()
        if self._core is not None:
            await self._core.close()
            self._core = None
        self._lock.release()
        if self._shard_lock is not None:
            await self._shard_lock.release()

    async def command_tree_hash(self, guild: discord.abc.Snowflake | None) -> str:
        """A hash of exactly what would be sent to Discord for this scope, its translations included (a new or
        changed translation is a change Discord must be sent)."""
        translator = self.tree.translator
        commands_here = self.tree.get_commands(guild=guild)
        payload: list[dict[str, Any]] = (
            [await c.get_translated_payload(self.tree, translator) for c in commands_here] if translator
            else [c.to_dict(self.tree) for c in commands_here])
        payload.sort(key=lambda c: (c.get("type", 1), c["name"]))
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync the command tree if it differs from what was last synced (or if forced). Returns whether it did.

        Discord rate-limits command updates hard; syncing blindly on every start is a known way to hit them.
        """
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        # Per application: the same database pointed at another bot (staging → production) must sync again.
        scope = f"command_tree_hash:{self.application_id}:{guild.id if guild else 'global'}"
        digest = await self.command_tree_hash(guild)
        if not force and await self.core.store.state.get(scope) == digest:
            log.info("command tree unchanged (%s); not syncing", scope)
            return False
        synced = await self.tree.sync(guild=guild)
        await self.core.store.state.set(scope, digest, self.clock.now())
        log.info("synced %d commands to %s", len(synced), f"guild {guild.id}" if guild else "all guilds")
        return True

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info("ready as %s (%s) in %d guild(s)", self.user, self.user.id, len(self.guilds))

    # Each server's Discord language: reported once per server at start-up (available, or joined if still out),
    # and again when it changes.
    async def on_guild_available(self, guild: discord.Guild) -> None:
        self.guild_locales.note_guild(guild)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        self.guild_locales.note_guild(guild, fresh=True)

    async def on_guild_update(self, before: discord.Guild, after: discord.Guild) -> None:
        if before.preferred_locale != after.preferred_locale:
            was = (await self.core.reminders.rows.settings(after.id)).post_locale
            self.guild_locales.note_guild(after)
            await self.guild_locales.settled()
            await self.scheduled_events.after_language_change(after.id, was)
