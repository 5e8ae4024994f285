"""The reminder state machine's guarded transitions: stale generations, unknown outcomes, refused marks, stops."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.clock import FixedClock
from bot.config import Settings
from bot.core import Core
from bot.reasons import HTTP_FAILURE, Reason
from bot.reminders.dispatcher import DeliveryFailed, ReminderDispatcher
from bot.reminders.messages import OutgoingReminder
from bot.reminders.states import NONCE_TRUST
from bot.store import Store
from bot.store.sqlite import migrate
from tests.conftest import utc
from tests.test_reminder_dispatcher import ADMIN, CHANNEL, GUILD, FakePoster, dispatcher_for, settle

# The store and scheduler suites: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends


async def test_a_claim_older_than_the_nonce_window_is_unconfirmed_never_resent(core: Core, clock: FixedClock) -> None:
    subscribed = await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "0", None, ADMIN)
    clock.set(utc(2026, 12, 10, 9))
    await core.store.reminders.claim_due(clock.now(), 10)  # ... and the process dies before it can tell
    clock.advance(NONCE_TRUST + timedelta(seconds=1))  # restarted after Discord forgot the nonce
    poster = FakePoster()
    dispatcher = dispatcher_for(core, poster)
    await dispatcher.recover()
    assert poster.posts == []  # a re-send now could be a second post
    [reminder] = await core.store.reminders.reminders(subscribed.subscription.id)
    assert reminder.state == "unconfirmed"
    [status] = await core.reminders.statuses(GUILD)
    assert status.unconfirmed == 1 and status.sent == 0


async def test_a_recent_claim_is_resent_with_its_nonce(core: Core, clock: FixedClock) -> None:
    await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "0", None, ADMIN)
    clock.set(utc(2026, 12, 10, 9))
    [claimed] = await core.store.reminders.claim_due(clock.now(), 10)
    clock.advance(NONCE_TRUST - timedelta(seconds=5))
    poster = FakePoster()
    dispatcher = dispatcher_for(core, poster)
    await dispatcher.recover()
    [(_, _, nonce)] = poster.posts
    assert nonce == claimed.reminder.nonce(dispatcher.install)


async def test_a_mark_the_database_refuses_is_retried_and_the_post_never_repeated(core: Core,
                                                                                 clock: FixedClock) -> None:
    subscribed = await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "0", None, ADMIN)
    poster = FakePoster()
    dispatcher = dispatcher_for(core, poster)
    rows = core.store.reminders
    real_mark = rows.mark_sent
    refusals = 3

    async def full_disk(*args: Any) -> bool:
        nonlocal refusals
        if refusals:
            refusals -= 1
            raise sqlite3.OperationalError("database or disk is full")
        return await real_mark(*args)

    rows.mark_sent = full_disk  # type: ignore[method-assign,assignment]
    await dispatcher.recover()
    dispatcher.start()
    try:
        clock.set(utc(2026, 12, 10, 9))
        for _ in range(4):  # each step retries the mark, seconds apart by the injected clock
            dispatcher.wake()
            await asyncio.sleep(0.05)
            clock.advance(timedelta(seconds=6))
        await settle(dispatcher, clock, clock.now() + timedelta(minutes=20))  # far past any stale-claim timer
    finally:
        await dispatcher.stop()
    assert len(poster.posts) == 1
    [reminder] = await rows.reminders(subscribed.subscription.id)
    assert reminder.state == "sent" and refusals == 0


async def test_a_move_during_a_refused_send_waits_for_the_new_date_after_resume(core: Core,
                                                                                clock: FixedClock) -> None:
    await core.reminders.save_custom(GUILD, "Cup final", "2026-12-20", None, None, ADMIN)
    subscribed = await core.reminders.subscribe(GUILD, CHANNEL, "cup final", "1d", None, ADMIN)
    clock.set(utc(2026, 12, 19, 9))
    [in_flight] = await core.store.reminders.claim_due(clock.now(), 10)
    await core.reminders.save_custom(GUILD, "Cup final", "2026-12-27", None, None, ADMIN)  # moved meanwhile
    applied = await core.store.reminders.hold_and_pause(in_flight.reminder, subscribed.subscription.id,
                                                        "Missing Permissions", clock.now())
    assert not applied  # the refusal was for the old date's send
    await core.reminders.resume(GUILD, subscribed.subscription.id)
    poster = FakePoster()
    dispatcher = dispatcher_for(core, poster)
    await dispatcher.recover()
    dispatcher.start()
    try:
        await settle(dispatcher, clock, utc(2026, 12, 19, 10))
        assert poster.posts == []  # not at the old time
        await settle(dispatcher, clock, utc(2026, 12, 26, 9))
        assert poster.titles == ["Cup final — tomorrow"]
    finally:
        await dispatcher.stop()


async def test_a_stop_lets_sends_finish_and_releases_the_rest(core: Core, clock: FixedClock) -> None:
    for channel in range(20):
        await core.reminders.subscribe(GUILD, CHANNEL + channel, "future-racer", "0", None, ADMIN)
    gate = asyncio.Event()

    class SlowPoster(FakePoster):
        async def post(self, channel_id: int, message: OutgoingReminder, nonce: str) -> int | None:
            await gate.wait()
            return await super().post(channel_id, message, nonce)

    poster = SlowPoster()
    dispatcher = ReminderDispatcher(core.reminders, poster, per_second=1e6, concurrency=4)
    await dispatcher.recover()
    dispatcher.start()
    clock.set(utc(2026, 12, 10, 9))
    dispatcher.wake()
    await asyncio.sleep(0.1)  # four sends under way, sixteen claimed and waiting for a slot
    stopping = asyncio.create_task(dispatcher.stop())
    await asyncio.sleep(0.05)
    gate.set()
    await stopping
    states = [r.state for s in await core.store.reminders.subscriptions(GUILD)
              for r in await core.store.reminders.reminders(s.id)]
    assert "claimed" not in states
    assert states.count("sent") == len(poster.posts) == 4 and states.count("pending") == 16


async def test_two_databases_on_one_bot_never_share_a_nonce(make_settings: Callable[..., Settings],
                                                            clock: FixedClock) -> None:
    nonces = []
    for name in ("staging.sqlite3", "production.sqlite3"):
        opened = await Core.open(make_settings(db_name=name), clock)
        try:
            await opened.reminders.subscribe(GUILD, CHANNEL, "future-racer", "0", None, ADMIN)
            dispatcher = dispatcher_for(opened, FakePoster())
            await dispatcher.recover()
            [reminder] = await opened.store.reminders.reminders(1)
            nonces.append(reminder.nonce(dispatcher.install))
        finally:
            await opened.close()
    assert nonces[0] != nonces[1] and all(len(n) <= 25 for n in nonces)


async def test_the_unconfirmed_migration_keeps_every_row_and_never_reuses_an_id(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as old:
        await migrate(old, target=3)
    with sqlite3.connect(path) as db:  # a schema 3 database, with rows, and with ids 1-9 used and deleted
        db.execute("INSERT INTO subscription (guild_id, channel_id, target, offsets, created_by, created_at)"
                   " VALUES (1, 2, NULL, '[\"0\"]', 3, '2026-11-29T12:00:00+00:00')")
        for i in range(1, 11):
            db.execute("INSERT INTO reminder (id, subscription_id, release_key, offset, release_on, anchor_at,"
                       " due_at, attempt_at, state) VALUES (?, 1, ?, '0', 'd', 'a', 'b', 'c', 'sent')", (i, f"k{i}"))
        db.execute("DELETE FROM reminder WHERE id < 10")
    store = await Store.open(path)  # migrates to the newest version
    try:
        assert await store.db.fetchall("SELECT id, state FROM reminder") == [(10, "sent")]
        assert await store.db.fetchone("SELECT seq FROM sqlite_sequence WHERE name = 'reminder'") == (10,)
    finally:
        await store.close()


class DiscordWithLostAnswers(FakePoster):
    """Posts (deduplicating a nonce for three minutes, as Discord does) but loses the next `lost` answers."""

    def __init__(self, clock: FixedClock, lost: int) -> None:
        super().__init__()
        self.clock, self.lost, self.first_seen = clock, lost, dict[str, Any]()

    async def post(self, channel_id: int, message: OutgoingReminder, nonce: str) -> int | None:
        seen = self.first_seen.get(nonce)
        if seen is None or self.clock.now() - seen > NONCE_TRUST + timedelta(minutes=1):
            self.first_seen[nonce] = self.clock.now()
            await super().post(channel_id, message, nonce)
        if self.lost:
            self.lost -= 1
            raise DeliveryFailed(Reason(HTTP_FAILURE, {"status": 503, "error": 0}))
        return 1


async def test_a_send_retried_past_the_nonce_window_is_unconfirmed_never_posted_twice(core: Core,
                                                                                      clock: FixedClock) -> None:
    subscribed = await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "0", None, ADMIN)
    poster = DiscordWithLostAnswers(clock, lost=20)  # every answer lost: a 503 after each write
    dispatcher = dispatcher_for(core, poster)
    await dispatcher.recover()
    dispatcher.start()
    try:
        clock.set(utc(2026, 12, 10, 9))
        for _ in range(12):  # follow the retries, minutes apart
            await settle(dispatcher, clock)
            next_at = await core.store.reminders.next_attempt_at()
            if next_at is None:
                break
            clock.set(max(next_at, clock.now()))
    finally:
        await dispatcher.stop()
    assert len(poster.posts) == 1  # posted once; never a second message once Discord forgot the nonce
    [reminder] = await core.store.reminders.reminders(subscribed.subscription.id)
    assert reminder.state == "unconfirmed"


async def test_a_new_zone_while_a_reminder_is_being_posted_does_not_post_it_twice(core: Core,
                                                                                 clock: FixedClock) -> None:
    subscribed = await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "0", None, ADMIN)
    gate, entered = asyncio.Event(), asyncio.Event()

    class GatedPoster(FakePoster):
        async def post(self, channel_id: int, message: OutgoingReminder, nonce: str) -> int | None:
            entered.set()
            await gate.wait()
            return await super().post(channel_id, message, nonce)

    poster = GatedPoster()
    dispatcher = dispatcher_for(core, poster)
    await dispatcher.recover()
    dispatcher.start()
    try:
        clock.set(utc(2026, 12, 10, 12))  # due 09:00 UTC: three hours late, within the grace window
        dispatcher.wake()
        await asyncio.wait_for(entered.wait(), timeout=5)
        await core.reminders.set_timezone(GUILD, "Europe/Paris", None)  # 09:00 Paris is 08:00 UTC: also past
        gate.set()
        await settle(dispatcher, clock, clock.now() + timedelta(hours=1))
    finally:
        await dispatcher.stop()
    assert len(poster.posts) == 1
    [reminder] = await core.store.reminders.reminders(subscribed.subscription.id)
    assert reminder.state == "sent"


async def test_claims_whose_releases_cannot_be_read_are_given_back(core: Core, clock: FixedClock,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    subscribed = await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "0", None, ADMIN)
    poster = FakePoster()
    dispatcher = dispatcher_for(core, poster)
    await dispatcher.recover()
    real_targets = core.reminders.targets
    failures = 1

    async def flaky_targets(guild_id: int) -> Any:
        nonlocal failures
        if failures:
            failures -= 1
            raise sqlite3.OperationalError("disk I/O error")
        return await real_targets(guild_id)

    monkeypatch.setattr(core.reminders, "targets", flaky_targets)
    dispatcher.start()
    try:
        clock.set(utc(2026, 12, 10, 9))
        dispatcher.wake()
        await asyncio.sleep(0.1)
        [reminder] = await core.store.reminders.reminders(subscribed.subscription.id)
        assert reminder.state == "pending"  # given back, not left claimed for a restart to call unconfirmed
        await settle(dispatcher, clock, clock.now() + timedelta(seconds=6))
    finally:
        await dispatcher.stop()
    assert len(poster.posts) == 1


async def test_a_claim_given_back_after_its_release_moved_waits_for_the_new_date(core: Core, clock: FixedClock) -> None:
    await core.reminders.save_custom(GUILD, "Cup final", "2026-12-20", None, None, ADMIN)
    subscribed = await core.reminders.subscribe(GUILD, CHANNEL, "cup final", "1d", None, ADMIN)
    clock.set(utc(2026, 12, 19, 9))
    [claimed] = await core.store.reminders.claim_due(clock.now(), 10)
    await core.reminders.save_custom(GUILD, "Cup final", "2026-12-27", None, None, ADMIN)  # moved meanwhile
    assert await core.store.reminders.release_claims([claimed.reminder.id]) == 1  # never sent: given back
    [reminder] = await core.store.reminders.reminders(subscribed.subscription.id)
    assert (reminder.state, reminder.attempt_at) == ("pending", utc(2026, 12, 26, 9))  # not at the old time
