"""Keeping a server's Discord scheduled events in line with the plan (`bot.discord_events`), through discord.py.

One sync of one server, under that server's lock: read what pitwall remembers and what Discord has (one GET), then
create what is missing, PATCH what changed (by digest), cancel what the data cancelled and delete what the data no
longer has. Choices, each for a reason:

- **Never a duplicate.** A created event's id is remembered in the step right after Discord answers, before
  anything else. If the process dies between the two, the event is an orphan: every description ends with the
  line `pitwall:<subject key>`, and before creating, a sync adopts an event this bot created with that line
  instead of creating another (then brings it up to date). The same adoption picks up events left behind when
  the feature was turned off while Discord refused to delete them.
- **Deleted by someone on Discord** (the remembered id is gone, or someone cancelled or ended it while still
  wanted): a moderator's way of saying "not this one". It is remembered as *dismissed* and never made again;
  turning the feature off and on again forgets dismissals.
- **Discord refuses**: missing permissions (403) pause the server's sync with reason `missing-permissions`;
  Discord's cap of 100 uncompleted events (400 30038) with `cap-reached`. The admin sees the reason in
  `/settings discord-events` and resumes by turning it on again. Anything else (5xx, network) is logged and the
  next sync tries again.
- An event already under way, over, or beyond pitwall's cap is left as it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiohttp
import discord

from bot import discord_events
from bot.clock import Clock
from bot.core import Core
from bot.discord_events import CAP_REACHED, MISSING_PERMISSIONS, DesiredEvent
from bot.i18n import using
from bot.store.discord_event_rows import RememberedEvent

log = logging.getLogger(__name__)

# The bot's guild permissions the feature needs (Discord, since February 2026: Create Events to create, and
# Manage Events to manage; the bot's own events need only Create Events, but both are asked for, once).
NEEDED = ("create_events", "manage_events")  # discord.Permissions names; shown through `permission_names`
UNKNOWN_EVENT = 10070
MAX_EVENTS_REACHED = 30038
# Also re-planned this often without a data change, as events start and later ones come within the cap.
RESYNC_EVERY = timedelta(hours=6)


@dataclass
class SyncReport:
    guild_id: int
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    deleted: int = 0
    adopted: int = 0
    dismissed: int = 0
    failed: int = 0  # refused one by one (logged), or the sync stopped on an error
    skipped: str = ""  # why nothing was done: "disabled", "paused", "unavailable"
    paused: str | None = None  # the reason code, when this sync paused the server (or it was already)
    kept: int = 0  # pitwall's events on Discord for this server after the sync
    problems: list[str] = field(default_factory=list)


def missing_permissions(guild: discord.Guild) -> list[str]:
    """The needed permissions (discord.Permissions names) the bot lacks in `guild`."""
    me = guild.me
    if me is None:
        return list(NEEDED)
    permissions = me.guild_permissions
    return [name for name in NEEDED if not getattr(permissions, name)]


class ScheduledEventSync:
    def __init__(self, client: discord.Client, core: Callable[[], Core], clock: Clock) -> None:
        self.client = client
        self._core = core  # the core is opened in setup_hook, after this is made
        self.clock = clock
        self._locks: dict[int, asyncio.Lock] = {}
        self._task: asyncio.Task[None] | None = None
        self.synced_once = asyncio.Event()  # set after the first sync_all of the background task (tests wait on it)

    # Running ---------------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Sync every opted-in server once the bot is ready, then every RESYNC_EVERY, in a background task."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="pitwall-scheduled-events")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass  # ours, cancelled just above
            except Exception:
                log.exception("the scheduled-event task had failed")
            self._task = None

    async def _run(self) -> None:
        await self.client.wait_until_ready()
        while True:
            try:
                await self.sync_all()
            except Exception:
                log.exception("syncing Discord scheduled events failed; trying again in %s", RESYNC_EVERY)
            self.synced_once.set()
            await self.clock.sleep_until(self.clock.now() + RESYNC_EVERY)

    async def sync_all(self) -> list[SyncReport]:
        """Sync every opted-in, unpaused server (after a dataset reload, for instance). One server's failure is
        logged and does not stop the others."""
        reports = []
        for guild_id in await self._core().store.discord_events.enabled_guilds():
            try:
                reports.append(await self.sync_guild(guild_id))
            except Exception:
                log.exception("syncing Discord scheduled events of guild %s failed", guild_id)
        return reports

    # One server --------------------------------------------------------------------------------------------------

    async def after_language_change(self, guild_id: int, was: str) -> None:
        """The server's language may have changed from `was` (its admin chose one, or its Discord one changed):
        its events are written in it, so they are rewritten if it did and the server keeps them."""
        core = self._core()
        if (await core.reminders.rows.settings(guild_id)).post_locale == was:
            return
        if (await core.store.discord_events.settings(guild_id)).enabled:
            await self.sync_guild(guild_id)

    async def sync_guild(self, guild_id: int) -> SyncReport:
        """Make the server's Discord events match the plan. Never raises for what Discord refuses: a refusal
        that needs an admin pauses the server (`report.paused`)."""
        async with self._locks.setdefault(guild_id, asyncio.Lock()):
            report = SyncReport(guild_id)
            rows = self._core().store.discord_events
            settings = await rows.settings(guild_id)
            if not settings.enabled:
                report.skipped = "disabled"
                return report
            if settings.paused:
                report.skipped, report.paused = "paused", settings.paused
                return report
            guild = self.client.get_guild(guild_id)
            if guild is None:  # not in this bot's cache (yet, or any more)
                report.skipped = "unavailable"
                return report
            lacking = missing_permissions(guild)
            if lacking:  # the cache follows role changes: no request that would only be refused
                await self._pause(report, MISSING_PERMISSIONS, "the bot lacks " + ", ".join(lacking))
                return report
            try:
                await self._reconcile(guild, report)
            except discord.Forbidden as exc:
                await self._pause(report, MISSING_PERMISSIONS, f"Discord refused: {exc.code} {exc.text}")
            except discord.HTTPException as exc:
                if exc.code == MAX_EVENTS_REACHED:
                    await self._pause(report, CAP_REACHED, f"Discord refused: {exc.code} {exc.text}")
                else:
                    report.failed += 1
                    log.warning("guild %s: scheduled events not synced: HTTP %s (code %s) %s", guild_id,
                                exc.status, exc.code, exc.text)
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                report.failed += 1
                log.warning("guild %s: scheduled events not synced: %s", guild_id, exc.__class__.__name__)
            report.kept = sum(1 for r in (await rows.remembered(guild_id)).values() if r.state == "scheduled")
            log.info("guild %s: scheduled events synced: %s", guild_id, report)
            return report

    async def remove_all(self, guild_id: int) -> tuple[int, int]:
        """Turning the feature off: delete the events pitwall made and forget them all. Returns (removed, left):
        left are those Discord refused to delete (they carry the marker, so turning it on again adopts them)."""
        async with self._locks.setdefault(guild_id, asyncio.Lock()):
            rows = self._core().store.discord_events
            removed = left = 0
            for row in (await rows.remembered(guild_id)).values():
                if row.state == "dismissed":
                    continue
                try:
                    await self.client.http.delete_scheduled_event(guild_id, row.discord_id,
                                                                  reason="pitwall: Discord events turned off")
                    removed += 1
                except discord.NotFound:
                    pass  # already gone
                except (discord.HTTPException, TimeoutError, aiohttp.ClientError, OSError) as exc:
                    left += 1
                    log.warning("guild %s: could not delete scheduled event %s: %s", guild_id, row.discord_id, exc)
            await rows.forget_guild(guild_id)
            return removed, left

    async def _pause(self, report: SyncReport, reason: str, detail: str) -> None:
        report.paused = reason
        log.warning("guild %s: Discord scheduled events paused (%s): %s", report.guild_id, reason, detail)
        await self._core().store.discord_events.set_paused(report.guild_id, reason, self.clock.now())

    async def _reconcile(self, guild: discord.Guild, report: SyncReport) -> None:
        core = self._core()
        rows = core.store.discord_events
        # Written in the server's language: a change of language changes the events' text, so they are updated.
        with using((await core.reminders.rows.settings(guild.id)).post_locale):
            plan = discord_events.plan(core.services.catalog, self.clock.now())
        remembered = await rows.remembered(guild.id)
        live = {e.id: e for e in await guild.fetch_scheduled_events(with_counts=False)}

        for row in remembered.values():
            if row.subject_key not in plan.known:  # the data no longer has it
                event = live.get(row.discord_id)
                if event is not None and row.state != "dismissed":
                    with contextlib.suppress(discord.NotFound):
                        await event.delete(reason="pitwall: no longer in the data")
                    report.deleted += 1
                await rows.forget(guild.id, row.subject_key)

        # Still in the data but no longer planned, and not begun: its day is no longer known (back to a month),
        # it fell past the cap, or it was cancelled after its old start. Members must not keep seeing that date.
        planned = {want.subject_key for want in plan.events}
        now = self.clock.now()
        for row in list(remembered.values()):
            event = live.get(row.discord_id)
            if (row.subject_key in plan.known and row.subject_key not in planned and row.state == "scheduled"
                    and event is not None and event.start_time > now):
                with contextlib.suppress(discord.NotFound):
                    await event.delete(reason="pitwall: its date is no longer known, or it is past the cap")
                await rows.forget(guild.id, row.subject_key)
                del remembered[row.subject_key]
                report.deleted += 1

        mine = self.client.user.id if self.client.user else 0
        orphans = {discord_events.marked_subject(e.description): e for e in live.values()
                   if e.creator_id == mine and e.id not in {r.discord_id for r in remembered.values()}}
        for want in plan.events:
            try:
                await self._one(guild, want, remembered.get(want.subject_key), live, orphans.get(want.subject_key),
                                report)
            except discord.HTTPException as exc:
                if isinstance(exc, discord.Forbidden) or exc.code == MAX_EVENTS_REACHED or exc.status >= 500:
                    raise
                # A refusal of this one event (a bug, or a rule Discord added): the others still go ahead.
                report.failed += 1
                report.problems.append(f"{want.subject_key}: {exc.status} {exc.code}")
                log.error("guild %s: Discord refused the scheduled event for %s: %s %s", guild.id, want.subject_key,
                          exc.code, exc.text)

    async def _one(self, guild: discord.Guild, want: DesiredEvent, row: RememberedEvent | None,
                   live: dict[int, discord.ScheduledEvent], orphan: discord.ScheduledEvent | None,
                   report: SyncReport) -> None:
        rows = self._core().store.discord_events
        now = self.clock.now()
        if row is None and orphan is not None:
            # Made by an earlier sync that could not remember it: adopt it rather than make a second one.
            # Its digest is unknown (""), so it is brought up to date just below.
            await rows.remember(guild.id, want.subject_key, orphan.id, "", "scheduled", now)
            row = RememberedEvent(guild.id, want.subject_key, orphan.id, "", "scheduled", now)
            report.adopted += 1
        if row is None:
            if want.status == "cancelled":
                return  # never made, nothing to cancel
            created = await guild.create_scheduled_event(**self._fields(want))
            # Remembered at once, before anything else can fail: at worst an orphan, adopted next time.
            await rows.remember(guild.id, want.subject_key, created.id, want.digest, "scheduled", now)
            report.created += 1
            return
        if row.state == "dismissed":
            return
        event = live.get(row.discord_id)
        if row.state == "cancelled":
            if want.status == "scheduled":
                # Back on the calendar: Discord cannot un-cancel, so the cancelled one makes way for a new one.
                if event is not None:
                    with contextlib.suppress(discord.NotFound):
                        await event.delete(reason="pitwall: the event is back on the calendar")
                await rows.forget(guild.id, want.subject_key)
                await self._one(guild, want, None, live, None, report)
            return
        if event is None or event.status is not discord.EventStatus.scheduled:
            # Deleted, cancelled or ended on Discord by someone: leave it so.
            if event is None or event.status in (discord.EventStatus.cancelled, discord.EventStatus.completed):
                await rows.remember(guild.id, want.subject_key, row.discord_id, row.digest, "dismissed", now)
                report.dismissed += 1
            return
        try:
            if want.status == "cancelled":
                await event.edit(status=discord.EventStatus.cancelled, reason="pitwall: cancelled in the data")
                await rows.remember(guild.id, want.subject_key, row.discord_id, want.digest, "cancelled", now)
                report.cancelled += 1
            elif row.digest != want.digest:
                await event.edit(**self._fields(want), reason="pitwall: the data changed")
                await rows.remember(guild.id, want.subject_key, row.discord_id, want.digest, "scheduled", now)
                report.updated += 1
        except discord.NotFound as exc:
            if exc.code != UNKNOWN_EVENT:
                raise
            await rows.remember(guild.id, want.subject_key, row.discord_id, row.digest, "dismissed", now)
            report.dismissed += 1

    @staticmethod
    def _fields(want: DesiredEvent) -> dict[str, Any]:
        # entity_type always: discord.py leaves it out when it infers EXTERNAL from `location`, and Discord
        # requires it.
        return {"name": want.name, "description": want.description, "start_time": want.start,
                "end_time": want.end, "entity_type": discord.EntityType.external, "location": want.location,
                "privacy_level": discord.PrivacyLevel.guild_only}
