"""Guild-owned rows: settings, custom releases, subscriptions and reminders. The only SQL for reminders."""

from __future__ import annotations

import dataclasses
import json
import secrets
import string
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from bot.reasons import OUTCOME_UNKNOWN
from bot.reminders.model import (
    CUSTOM_PREFIX,
    CustomRelease,
    Delivery,
    GuildSettings,
    PlannedReminder,
    Reminder,
    Subscription,
    SubscriptionStatus,
)
from bot.reminders.states import (
    CANCELLED,
    HOLD,
    MISSED,
    REARMABLE,
    RETRY,
    SENT,
    Outcome,
)
from bot.shards import ShardScope
from bot.store.database import Database, Params, Row, Transaction, shard_clause
from bot.store.state_rows import StateRows

# "offset" is quoted: PostgreSQL reserves the word.
_REMINDER_COLUMNS = ('r.id, r.subscription_id, r.release_key, r."offset", r.release_on, r.anchor_at, r.due_at,'
                     " r.attempt_at, r.state, r.generation, r.attempts, r.sent_at, r.message_id, r.last_error,"
                     " r.first_sent_at")
_REMINDER_WIDTH = 15
INSTALL_KEY = "install_id"
# A nonce is install id + reminder id + "g" + generation, within Discord's 25 characters up to ids of 10^14.
INSTALL_ID_LENGTH = 6
_SUBSCRIPTION_COLUMNS = ("s.id, s.guild_id, s.channel_id, s.target, s.offsets, s.role_id, s.created_by, s.created_at,"
                         " s.paused_reason, s.paused_at, s.notify_cancelled")


def _iso(instant: datetime) -> str:
    return instant.isoformat()


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _subscription(row: Iterable[Any]) -> Subscription:
    id_, guild, channel, target, offsets, role, by, created, reason, paused, notify_cancelled = row
    return Subscription(id_, guild, channel, target, tuple(json.loads(offsets)), role, by,
                        datetime.fromisoformat(created), reason, _instant(paused), bool(notify_cancelled))


def _reminder(row: Iterable[Any]) -> Reminder:
    (id_, sub, key, offset, release_on, anchor, due, attempt, state, generation, attempts, sent, message, error,
     first_sent) = row
    return Reminder(id_, sub, key, offset, release_on, datetime.fromisoformat(anchor), datetime.fromisoformat(due),
                    datetime.fromisoformat(attempt), state, generation, attempts, _instant(sent), message, error,
                    _instant(first_sent))


class ReminderRows:
    def __init__(self, database: Database, state: StateRows, scope: ShardScope | None = None) -> None:
        self._store = database
        self._state = state
        # The servers whose reminders this process delivers (None: all of them).
        self.scope = scope

    async def _rows(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._store.fetchall(sql, params)

    async def install_id(self, now: datetime) -> str:
        """This database's random id, made once: part of every nonce, so that two databases on one bot token
        (staging and production, a restored backup) never send each other's nonces."""
        found = await self._state.get(INSTALL_KEY)
        if found is None:
            # Processes starting together on a new shared database must all use the first one stored: a claim
            # re-sent by another process must carry the same nonce, or Discord posts it twice.
            made = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(INSTALL_ID_LENGTH))
            found = await self._state.set_once(INSTALL_KEY, made, now)
        return found

    # Settings ------------------------------------------------------------------------------------------

    async def settings(self, guild_id: int) -> GuildSettings:
        rows = await self._rows("SELECT timezone, reminder_time, language, discord_locale FROM guild_settings"
                                " WHERE guild_id = ?", (guild_id,))
        if not rows:
            return GuildSettings(guild_id)
        zone, at, language, discord_locale = rows[0]
        return GuildSettings(guild_id, zone, time.fromisoformat(at), language, discord_locale)

    async def save_settings(self, settings: GuildSettings, now: datetime) -> None:
        """The server's time zone and reminder time (its language is `save_language`'s)."""
        async with self._store.transaction() as db:
            await db.execute(
                "INSERT INTO guild_settings (guild_id, timezone, reminder_time, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone,"
                " reminder_time = excluded.reminder_time, updated_at = excluded.updated_at",
                (settings.guild_id, settings.timezone, settings.reminder_time.strftime("%H:%M"), _iso(now)),
            )

    async def save_language(self, guild_id: int, language: str | None, now: datetime) -> None:
        """The language an admin chose for the server's posts; None to follow its Discord language."""
        async with self._store.transaction() as db:
            await db.execute(
                "INSERT INTO guild_settings (guild_id, language, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at",
                (guild_id, language, _iso(now)))

    async def record_discord_locales(self, locales: dict[int, str], now: datetime) -> int:
        """Servers' Discord preferred locales, as the gateway or interactions report them, in one transaction;
        how many changed. A row is written only where the locale changed."""
        async with self._store.transaction() as db:
            changed = 0
            for guild_id, locale in locales.items():
                changed += await db.execute(
                    "INSERT INTO guild_settings (guild_id, discord_locale, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (guild_id) DO UPDATE SET discord_locale = excluded.discord_locale,"
                    " updated_at = excluded.updated_at"
                    " WHERE guild_settings.discord_locale IS NULL OR guild_settings.discord_locale <> ?",
                    (guild_id, locale, _iso(now), locale))
            return changed

    # Custom releases -----------------------------------------------------------------------------------

    async def custom_releases(self, guild_id: int) -> list[CustomRelease]:
        rows = await self._rows(
            "SELECT id, guild_id, slug, name, date, time_utc, platforms FROM custom_release WHERE guild_id = ?"
            " ORDER BY date, name", (guild_id,))
        return [CustomRelease(r[0], r[1], r[2], r[3], date.fromisoformat(r[4]),
                              time.fromisoformat(r[5]) if r[5] else None, tuple(json.loads(r[6]))) for r in rows]

    async def save_custom_release(self, guild_id: int, slug: str, name: str, day: date, time_utc: time | None,
                                  platforms: tuple[str, ...], by: int, now: datetime, *, limit: int) -> None:
        """Add or change a server's release; a new one past `limit` raises CapReached (counted in the same
        transaction as the insert, so a burst of adds cannot pass the cap)."""
        async with self._store.transaction() as db:
            await db.serialise("guild", guild_id)  # the count and the insert, one server's writers in turn
            count, exists = await db.fetchone(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN slug = ? THEN 1 ELSE 0 END), 0) FROM custom_release"
                " WHERE guild_id = ?", (slug, guild_id)) or (0, 0)
            if not exists and count >= limit:
                raise CapReached("custom releases", limit)
            await db.execute(
                "INSERT INTO custom_release (guild_id, slug, name, date, time_utc, platforms, created_by, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, slug) DO UPDATE SET name = excluded.name,"
                " date = excluded.date, time_utc = excluded.time_utc, platforms = excluded.platforms,"
                " updated_at = excluded.updated_at",
                (guild_id, slug, name, day.isoformat(), time_utc.strftime("%H:%M") if time_utc else None,
                 json.dumps(list(platforms)), by, _iso(now)),
            )

    async def delete_custom_release(self, guild_id: int, slug: str) -> bool:
        async with self._store.transaction() as db:
            deleted = await db.execute("DELETE FROM custom_release WHERE guild_id = ? AND slug = ?", (guild_id, slug))
            await db.execute("DELETE FROM subscription WHERE guild_id = ? AND target = ?",
                             (guild_id, f"{CUSTOM_PREFIX}{slug}"))
            return deleted > 0

    # Subscriptions -------------------------------------------------------------------------------------

    async def add_subscription(self, guild_id: int, channel_id: int, target: str | None, offsets: tuple[str, ...],
                               role_id: int | None, by: int, now: datetime,
                               planned: list[PlannedReminder], *, limit: int, reminder_limit: int,
                               notify_cancelled: bool = False) -> Subscription:
        """The subscription and its planned reminders, together or not at all. Past `limit` subscriptions or
        `reminder_limit` planned reminders in the server, CapReached (counted inside this transaction)."""
        async with self._store.transaction() as db:
            await db.serialise("guild", guild_id)  # the counts and the inserts, one server's writers in turn
            (subscriptions,) = await db.fetchone("SELECT COUNT(*) FROM subscription WHERE guild_id = ?",
                                                 (guild_id,)) or (0,)
            if subscriptions >= limit:
                raise CapReached("reminder subscriptions", limit)
            if await _planned_count(db, guild_id) + sum(p.due_at > now for p in planned) > reminder_limit:
                raise CapReached("planned reminders", reminder_limit)
            inserted = await db.fetchone(
                "INSERT INTO subscription (guild_id, channel_id, target, offsets, role_id, created_by, created_at,"
                " notify_cancelled) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (guild_id, channel_id, target, json.dumps(list(offsets)), role_id, by, _iso(now),
                 int(notify_cancelled)),
            )
            assert inserted is not None
            subscription_id = int(inserted[0])
            await _apply_plan(db, subscription_id, planned, now)
            return Subscription(subscription_id, guild_id, channel_id, target, offsets, role_id, by, now,
                                notify_cancelled=notify_cancelled)

    async def subscriptions(self, guild_id: int | None = None) -> list[Subscription]:
        """One server's subscriptions; with no server, those of every server this process serves."""
        params: Params
        if guild_id is not None:
            where, params = "s.guild_id = ?", (guild_id,)
        else:
            where, params = shard_clause(self._store.dialect, "s.guild_id", self.scope)
            where = "1 = 1" + where
        rows = await self._rows(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM subscription s WHERE {where} ORDER BY s.id", params)  # noqa: S608
        return [_subscription(row) for row in rows]

    async def subscription(self, subscription_id: int, guild_id: int) -> Subscription | None:
        rows = await self._rows(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM subscription s WHERE s.id = ? AND s.guild_id = ?",  # noqa: S608
            (subscription_id, guild_id))
        return _subscription(rows[0]) if rows else None

    async def remove_subscription(self, subscription_id: int, guild_id: int) -> bool:
        async with self._store.transaction() as db:
            return await db.execute("DELETE FROM subscription WHERE id = ? AND guild_id = ?",
                                    (subscription_id, guild_id)) > 0

    async def set_paused(self, subscription_id: int, reason: str | None, now: datetime) -> None:
        async with self._store.transaction() as db:
            await db.execute("UPDATE subscription SET paused_reason = ?, paused_at = ? WHERE id = ?",
                             (reason, _iso(now) if reason else None, subscription_id))

    async def forget_channel(self, channel_id: int) -> int:
        async with self._store.transaction() as db:
            return await db.execute("DELETE FROM subscription WHERE channel_id = ?", (channel_id,))

    async def forget_guild(self, guild_id: int) -> int:
        """Everything a server owns: subscriptions (and their reminders), custom releases, settings."""
        async with self._store.transaction() as db:
            removed = await db.execute("DELETE FROM subscription WHERE guild_id = ?", (guild_id,))
            await db.execute("DELETE FROM custom_release WHERE guild_id = ?", (guild_id,))
            await db.execute("DELETE FROM guild_settings WHERE guild_id = ?", (guild_id,))
            return removed

    async def statuses(self, guild_id: int) -> list[SubscriptionStatus]:
        subscriptions = await self.subscriptions(guild_id)
        counts = {
            row[0]: row[1:]
            for row in await self._rows(
                "SELECT r.subscription_id, MIN(CASE WHEN r.state IN ('pending', 'claimed') THEN r.due_at END),"
                " COUNT(CASE WHEN r.state IN ('pending', 'claimed') THEN 1 END), COUNT(CASE WHEN r.state = 'sent'"
                " THEN 1 END), COUNT(CASE WHEN r.state = 'missed' THEN 1 END),"
                " COUNT(CASE WHEN r.state = 'unconfirmed' THEN 1 END)"
                " FROM reminder r JOIN subscription s ON s.id = r.subscription_id WHERE s.guild_id = ?"
                " GROUP BY r.subscription_id", (guild_id,))
        }
        statuses = []
        for sub in subscriptions:
            next_due, pending, sent, missed, unconfirmed = counts.get(sub.id, (None, 0, 0, 0, 0))
            statuses.append(SubscriptionStatus(sub, _instant(next_due), pending or 0, sent or 0, missed or 0,
                                               unconfirmed or 0))
        return statuses

    # Reminders -----------------------------------------------------------------------------------------

    async def apply_plan(self, subscription_id: int, planned: list[PlannedReminder], now: datetime) -> None:
        """Make the subscription's reminders match `planned`, in one transaction (see `_apply_plan`)."""
        async with self._store.transaction() as db:
            await _apply_plan(db, subscription_id, planned, now)

    async def next_attempt_at(self) -> datetime | None:
        shards, params = shard_clause(self._store.dialect, "s.guild_id", self.scope)
        rows = await self._rows(
            "SELECT MIN(r.attempt_at) FROM reminder r JOIN subscription s ON s.id = r.subscription_id"  # noqa: S608 - constants only
            f" WHERE r.state = 'pending' AND s.paused_reason IS NULL{shards}", params)
        return _instant(rows[0][0]) if rows else None

    async def claim_due(self, now: datetime, limit: int) -> list[Delivery]:
        """Atomically mark up to `limit` due reminders as claimed and return them.

        Channels take turns (each channel's earliest first, then each one's second, ...): Discord limits posts
        per channel, so a batch spread over many channels is sent at the global pace instead of waiting on one.
        """
        shards, shard_params = shard_clause(self._store.dialect, "s.guild_id", self.scope)
        async with self._store.transaction() as db:
            # PostgreSQL: the rows picked are locked as they are picked, in turn order, skipping any another
            # transaction holds, so a second process claiming at the same moment takes the next ones instead of
            # waiting. The state and the due time are checked again on the locked row (PostgreSQL re-checks only the
            # locked table's conditions): a claim committed meanwhile, or a re-plan that moved the reminder later,
            # is never taken.
            rows = await db.fetchall(
                "WITH turns AS (SELECT r.id, r.attempt_at, ROW_NUMBER() OVER ("  # noqa: S608 - constants and the dialect
                "  PARTITION BY s.channel_id ORDER BY r.attempt_at, r.id) AS turn"
                "  FROM reminder r JOIN subscription s ON s.id = r.subscription_id"
                f"  WHERE r.state = 'pending' AND r.attempt_at <= ? AND s.paused_reason IS NULL{shards}),"
                " picked AS (SELECT r.id FROM reminder r JOIN turns t ON t.id = r.id"
                "  WHERE r.state = 'pending' AND r.attempt_at <= ?"
                f"  ORDER BY t.turn, t.attempt_at, t.id LIMIT ?{db.dialect.skip_locked_rows})"
                " UPDATE reminder SET state = 'claimed', claimed_at = ?, attempts = attempts + 1,"
                " first_sent_at = COALESCE(first_sent_at, ?)"
                " WHERE id IN (SELECT id FROM picked) AND state = 'pending' AND attempt_at <= ? RETURNING id",
                (_iso(now), *shard_params, _iso(now), limit, _iso(now), _iso(now), _iso(now)))
            # Read in the same transaction: if this fails, the claim is rolled back rather than left behind.
            return await _deliveries(db, db.dialect.any_of("r.id"), (db.dialect.many(row[0] for row in rows),))

    async def in_flight(self) -> list[Delivery]:
        """Reminders claimed but never settled: a previous process (on these shards) stopped mid-delivery."""
        shards, params = shard_clause(self._store.dialect, "s.guild_id", self.scope)
        return await _deliveries(self._store, "r.state = 'claimed'" + shards, params)

    async def unconfirm_claims(self, first_sent_before: datetime) -> int:
        """The `unconfirmed` transition, at start-up: claims a stopped process left whose nonce was first used
        before `first_sent_before` may or may not have reached Discord, whose nonce window is over: never re-sent."""
        shards, params = shard_clause(self._store.dialect, "s.guild_id", self.scope)
        async with self._store.transaction() as db:
            return await db.execute(
                "UPDATE reminder SET state = 'unconfirmed', last_error = ? WHERE state = 'claimed'"  # noqa: S608 - constants only
                " AND COALESCE(first_sent_at, claimed_at) < ? AND subscription_id IN ("
                f" SELECT s.id FROM subscription s WHERE 1 = 1{shards})",
                (OUTCOME_UNKNOWN, _iso(first_sent_before), *params))

    async def reminders(self, subscription_id: int) -> list[Reminder]:
        rows = await self._rows(
            f"SELECT {_REMINDER_COLUMNS} FROM reminder r WHERE r.subscription_id = ?"  # noqa: S608
            " ORDER BY r.due_at, r.id", (subscription_id,))
        return [_reminder(row) for row in rows]

    async def release_claims(self, ids: Iterable[int]) -> int:
        """The `release` transition for claims known not to have been sent (nothing read, nothing posted)."""
        ordered = sorted(ids)
        async with self._store.transaction() as db:
            # Rows locked in id order, as a re-plan locks them: two writers of several reminders never deadlock.
            await db.fetchall(f"SELECT id FROM reminder WHERE {db.dialect.any_of('id')} ORDER BY id"  # noqa: S608
                              f"{db.dialect.lock_rows}", (db.dialect.many(ordered),))
            return await db.execute(
                # A release moved meanwhile has a later due time than the claim's attempt: wait for it.
                "UPDATE reminder SET state = 'pending', first_sent_at = NULL,"  # noqa: S608 - constants only
                " attempt_at = CASE WHEN attempt_at > due_at THEN attempt_at ELSE due_at END"
                f" WHERE state = 'claimed' AND {db.dialect.any_of('id')}",
                (db.dialect.many(ordered),))

    async def settle(self, reminder: Reminder, outcome: Outcome, *values: Any,
                     pause: tuple[int, str, datetime] | None = None) -> bool:
        """Every way a claim ends, through one guarded transition (see `bot.reminders.states`).

        The outcome is applied only if the reminder is still claimed and of the generation that was claimed. If
        its release moved while it was being sent (a new generation), the outcome belongs to the old date and does
        nothing: the reminder is requeued for its new due time instead. Returns whether the outcome was applied.
        `pause` (subscription id, reason, now) pauses the subscription in the same transaction, whatever the
        generation: Discord refused the channel, not the date.
        """
        async with self._store.transaction() as db:
            if pause is not None:
                # First, as everywhere: a subscription's row is locked before its reminders' (no deadlock with a
                # re-plan in another PostgreSQL transaction).
                subscription_id, reason, now = pause
                await db.execute("UPDATE subscription SET paused_reason = ?, paused_at = ? WHERE id = ?",
                                 (reason, _iso(now), subscription_id))
            applied = await db.execute(
                f"UPDATE reminder SET state = ?, {outcome.assignments}"  # noqa: S608 - a constant of states.py
                " WHERE id = ? AND generation = ? AND state = 'claimed'",
                (outcome.state, *values, reminder.id, reminder.generation)) == 1
            if not applied:
                await db.execute("UPDATE reminder SET state = 'pending', attempt_at = due_at, attempts = 0"
                                 " WHERE id = ? AND state = 'claimed' AND generation <> ?",
                                 (reminder.id, reminder.generation))
            return applied

    async def mark_sent(self, reminder: Reminder, message_id: int | None, now: datetime) -> bool:
        return await self.settle(reminder, SENT, _iso(now), message_id)

    async def mark_missed(self, reminder: Reminder, reason: str) -> bool:
        return await self.settle(reminder, MISSED, reason)

    async def mark_cancelled(self, reminder: Reminder, reason: str) -> bool:
        return await self.settle(reminder, CANCELLED, reason)

    async def retry_later(self, reminder: Reminder, attempt_at: datetime, error: str) -> bool:
        return await self.settle(reminder, RETRY, _iso(attempt_at), error)

    async def hold_and_pause(self, reminder: Reminder, subscription_id: int, reason: str, now: datetime) -> bool:
        """Discord refused the channel: the reminder waits (pending) and its subscription is paused, together."""
        return await self.settle(reminder, HOLD, reason, pause=(subscription_id, reason, now))


class CapReached(Exception):
    """A per-server cap would be passed; `what` and `limit` say which (the service words the reply)."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"at most {limit} {what} per server")
        self.what, self.limit = what, limit


async def _deliveries(db: Database | Transaction, where: str, params: Params) -> list[Delivery]:
    rows = await db.fetchall(
        f"SELECT {_REMINDER_COLUMNS}, {_SUBSCRIPTION_COLUMNS} FROM reminder r"  # noqa: S608 - constants only
        f" JOIN subscription s ON s.id = r.subscription_id WHERE {where} ORDER BY r.attempt_at, r.id", params)
    return [Delivery(_reminder(row[:_REMINDER_WIDTH]), _subscription(row[_REMINDER_WIDTH:])) for row in rows]


async def _planned_count(db: Transaction, guild_id: int) -> int:
    row = await db.fetchone(
        "SELECT COUNT(*) FROM reminder r JOIN subscription s ON s.id = r.subscription_id"
        " WHERE s.guild_id = ? AND r.state IN ('pending', 'claimed')", (guild_id,))
    return int(row[0]) if row else 0


async def _apply_plan(db: Transaction, subscription_id: int, planned: list[PlannedReminder],
                      now: datetime) -> None:
    """Make a subscription's reminders match `planned`.

    - New reminders are created only if due in the future (an announcement also just after: `catch_up`).
    - A pending reminder follows its release (a moved date, a new zone or reminder time).
    - A claimed one (being sent) follows too, with a new generation, so the send in flight is re-queued.
    - A sent or missed one is planned again only if the release itself moved (not for a new zone or
      reminder time: that would post it twice), and only if the new due time is still ahead.
    - A pending reminder no longer planned is cancelled; a cancelled one planned again is re-armed.
    """
    # PostgreSQL: the subscription, then its reminders, are locked until the plan is applied, so a claim skips them
    # and another process re-planning the same subscription waits, then sees this plan.
    if await db.fetchone(f"SELECT 1 FROM subscription WHERE id = ?{db.dialect.lock_rows}", (subscription_id,)) is None:  # noqa: S608 - constants only
        return  # removed meanwhile (a command, or its channel was deleted)
    existing = {(row[1], row[2]): row for row in await db.fetchall(
        'SELECT id, release_key, "offset", release_on, anchor_at, due_at, state FROM reminder'  # noqa: S608 - constants only
        f" WHERE subscription_id = ? ORDER BY id{db.dialect.lock_rows}", (subscription_id,))}
    wanted = {(p.release_key, p.offset): p for p in planned}
    for key, plan in wanted.items():
        row = existing.get(key)
        if plan.catch_up and row is not None and row[3] == plan.release_on:
            continue  # an announcement already planned: its due time was fixed when it was made
        if plan.catch_up:
            # Due when it appeared, but planned now: now at the latest, so that a result loaded while the bot was
            # down is posted when it starts, not counted missed for having waited.
            plan = dataclasses.replace(plan, due_at=max(plan.due_at, now), anchor_at=max(plan.anchor_at, now))
        due, anchor = _iso(plan.due_at), _iso(plan.anchor_at)
        ahead = plan.due_at > now or plan.catch_up
        if row is None:
            if ahead:
                await db.execute(
                    'INSERT INTO reminder (subscription_id, release_key, "offset", release_on, anchor_at, due_at,'
                    " attempt_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')",
                    (subscription_id, plan.release_key, plan.offset, plan.release_on, anchor, due, due))
            continue
        reminder_id, state = row[0], row[6]
        changed = (row[3], row[4], row[5]) != (plan.release_on, anchor, due)
        moved = row[3] != plan.release_on
        if state == "pending" and changed:
            await db.execute("UPDATE reminder SET release_on = ?, anchor_at = ?, due_at = ?, attempt_at = ?"
                             " WHERE id = ?", (plan.release_on, anchor, due, due, reminder_id))
        elif state == "claimed" and moved:
            # The send in flight is for the old date: a new generation (so a new nonce) for the new one.
            await db.execute("UPDATE reminder SET release_on = ?, anchor_at = ?, due_at = ?, first_sent_at = NULL,"
                             " generation = generation + 1 WHERE id = ?", (plan.release_on, anchor, due, reminder_id))
        elif state in REARMABLE and (moved or state == "cancelled") and ahead:
            await db.execute(
                "UPDATE reminder SET release_on = ?, anchor_at = ?, due_at = ?, attempt_at = ?, state = 'pending',"
                " generation = generation + 1, attempts = 0, sent_at = NULL, message_id = NULL, last_error = NULL,"
                " first_sent_at = NULL"
                " WHERE id = ?", (plan.release_on, anchor, due, due, reminder_id))
        elif changed:
            await db.execute("UPDATE reminder SET release_on = ?, anchor_at = ?, due_at = ? WHERE id = ?",
                             (plan.release_on, anchor, due, reminder_id))
    stale = [row[0] for key, row in existing.items() if key not in wanted and row[6] == "pending"]
    await db.executemany("UPDATE reminder SET state = 'cancelled' WHERE id = ?", [(i,) for i in stale])
