"""The dispatcher with an injected clock: on time, exactly once, late within grace, paused on refusal."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.answer import Moment
from bot.clock import FixedClock
from bot.core import Core
from bot.reasons import HTTP_FAILURE, MISSING_PERMISSIONS, Reason, reason_text
from bot.reminders.dispatcher import DeliveryFailed, DeliveryRefused, ReminderDispatcher
from bot.reminders.messages import OutgoingReminder
from tests.conftest import utc

# The store and scheduler suites: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends

GUILD, CHANNEL, ADMIN, ROLE = 1001, 3003, 4004, 5005


class FakePoster:
    """Records what would be posted; can refuse a channel or fail the next posts."""

    def __init__(self) -> None:
        self.posts: list[tuple[int, OutgoingReminder, str]] = []
        self.refused: dict[int, Reason] = {}
        self.failures = 0
        self.posted = asyncio.Event()

    async def post(self, channel_id: int, message: OutgoingReminder, nonce: str) -> int | None:
        if channel_id in self.refused:
            raise DeliveryRefused(self.refused[channel_id])
        if self.failures:
            self.failures -= 1
            raise DeliveryFailed(Reason(HTTP_FAILURE, {"status": 503, "error": 0}))
        self.posts.append((channel_id, message, nonce))
        self.posted.set()
        return len(self.posts)

    @property
    def titles(self) -> list[str]:
        return [message.answer.title for _, message, _ in self.posts]


def dispatcher_for(core: Core, poster: FakePoster, **options: object) -> ReminderDispatcher:
    dispatcher = ReminderDispatcher(core.reminders, poster, per_second=1e6, **options)  # type: ignore[arg-type]
    core.reminders.on_change = dispatcher.wake
    return dispatcher


@pytest.fixture
async def running(core: Core) -> AsyncIterator[tuple[ReminderDispatcher, FakePoster]]:
    poster = FakePoster()
    dispatcher = dispatcher_for(core, poster)
    dispatcher.start()
    yield dispatcher, poster
    await dispatcher.stop()


async def settle(dispatcher: ReminderDispatcher, clock: FixedClock, to: datetime | None = None) -> None:
    """Move the clock, then wait until the dispatcher has done everything due and gone back to sleep."""
    if to is not None:
        clock.set(to)
    dispatcher.wake()
    await asyncio.wait_for(dispatcher.idle.wait(), timeout=5)


async def test_a_reminder_is_posted_when_due_and_only_once(core: Core, clock: FixedClock,
                                                           running: tuple[ReminderDispatcher, FakePoster]) -> None:
    dispatcher, poster = running
    await core.reminders.save_custom(GUILD, "Cup final", "2026-12-20", None, "PS5", ADMIN)
    await core.reminders.subscribe(GUILD, CHANNEL, "cup final", "1d, 0", None, ADMIN)
    await settle(dispatcher, clock, utc(2026, 12, 19, 8, 59, 59))
    assert poster.posts == []
    await settle(dispatcher, clock, utc(2026, 12, 19, 9))
    assert poster.titles == ["Cup final — tomorrow"]
    await settle(dispatcher, clock, utc(2026, 12, 20, 12))
    await settle(dispatcher, clock)
    assert poster.titles == ["Cup final — tomorrow", "Cup final — release day!"]
    assert [channel for channel, _, _ in poster.posts] == [CHANNEL, CHANNEL]
    assert dispatcher.stats.lateness[0] == 0.0


async def test_the_configured_role_is_the_only_mention(core: Core, clock: FixedClock,
                                                       running: tuple[ReminderDispatcher, FakePoster]) -> None:
    dispatcher, poster = running
    await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "0", ROLE, ADMIN)
    await settle(dispatcher, clock, utc(2026, 12, 10, 9))
    [(_, message, _)] = poster.posts
    assert message.role_id == ROLE


async def test_something_sooner_wakes_a_dispatcher_sleeping_until_later(
    core: Core, clock: FixedClock, running: tuple[ReminderDispatcher, FakePoster]
) -> None:
    dispatcher, poster = running
    await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "0", None, ADMIN)  # due 10 December
    await settle(dispatcher, clock)
    await core.reminders.save_custom(GUILD, "Tonight's race", "2026-11-29", "20:00", None, ADMIN)
    await core.reminders.subscribe(GUILD, CHANNEL, "tonight's race", "1h", None, ADMIN)
    await asyncio.wait_for(dispatcher.idle.wait(), timeout=5)  # woken by the change, asleep again
    clock.set(utc(2026, 11, 29, 19))  # no explicit wake: only a sleep re-planned for 19:00 fires now
    await asyncio.wait_for(poster.posted.wait(), timeout=5)
    assert poster.titles == ["Tonight's race — in an hour"]


async def test_a_moved_date_never_fires_for_the_old_one(core: Core, clock: FixedClock,
                                                        running: tuple[ReminderDispatcher, FakePoster]) -> None:
    dispatcher, poster = running
    await core.reminders.save_custom(GUILD, "Cup final", "2026-12-20", None, None, ADMIN)
    await core.reminders.subscribe(GUILD, CHANNEL, "cup final", "0", None, ADMIN)
    await core.reminders.save_custom(GUILD, "Cup final", "2026-12-22", None, None, ADMIN)
    await settle(dispatcher, clock, utc(2026, 12, 20, 9))  # the old moment, well within the grace window
    await settle(dispatcher, clock, utc(2026, 12, 20, 12))
    assert poster.posts == []
    await settle(dispatcher, clock, utc(2026, 12, 22, 9))
    assert len(poster.posts) == 1


async def test_a_removed_subscription_posts_nothing(core: Core, clock: FixedClock,
                                                    running: tuple[ReminderDispatcher, FakePoster]) -> None:
    dispatcher, poster = running
    subscribed = await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "0", None, ADMIN)
    await core.reminders.subscribe(GUILD, CHANNEL + 1, "future-racer", "0", None, ADMIN)
    await core.reminders.remove(GUILD, subscribed.subscription.id)
    await settle(dispatcher, clock, utc(2026, 12, 10, 9))
    assert [channel for channel, _, _ in poster.posts] == [CHANNEL + 1]


async def test_a_crash_between_send_and_mark_resends_with_the_same_nonce(core: Core, clock: FixedClock) -> None:
    await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "0", None, ADMIN)
    clock.set(utc(2026, 12, 10, 9))
    [claimed] = await core.store.reminders.claim_due(clock.now(), 10)  # the process dies right after this
    poster = FakePoster()
    dispatcher = dispatcher_for(core, poster)
    await dispatcher.recover()  # as the bot does on start, before anything re-plans
    [(_, _, nonce)] = poster.posts
    assert len(dispatcher.install) == 6 and len(nonce) <= 25
    assert nonce == claimed.reminder.nonce(dispatcher.install) == f"{dispatcher.install}{claimed.reminder.id}g0"
    [reminder] = await core.store.reminders.reminders(claimed.subscription.id)
    assert reminder.state == "sent"


async def test_reminders_due_while_down_are_sent_late_within_grace_and_missed_after(core: Core,
                                                                                   clock: FixedClock) -> None:
    subscribed = await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "7d, 0", None, ADMIN)
    clock.set(utc(2026, 12, 10, 11))  # the 7d reminder is 7 days late, the 0 one 2 hours late
    poster = FakePoster()
    dispatcher = dispatcher_for(core, poster, grace=timedelta(hours=6))
    await dispatcher.recover()
    dispatcher.start()
    try:
        await settle(dispatcher, clock)
    finally:
        await dispatcher.stop()
    [(_, message, _)] = poster.posts
    assert message.answer.title == "Future Racer — release day!"
    description = message.answer.description
    assert "⏰ Late: this reminder was due " in description and Moment(utc(2026, 12, 10, 9), "R") in description
    [status] = await core.reminders.statuses(GUILD)
    assert (status.sent, status.missed, status.pending) == (1, 1, 0)
    states = {r.offset: r.state for r in await core.store.reminders.reminders(subscribed.subscription.id)}
    assert states == {"7d": "missed", "0": "sent"}


async def test_a_refused_channel_pauses_the_subscription_until_resumed(
    core: Core, clock: FixedClock, running: tuple[ReminderDispatcher, FakePoster]
) -> None:
    dispatcher, poster = running
    subscribed = await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "1d, 0", None, ADMIN)
    poster.refused[CHANNEL] = Reason(MISSING_PERMISSIONS)
    await settle(dispatcher, clock, utc(2026, 12, 9, 9))
    [status] = await core.reminders.statuses(GUILD)
    # Stored as a code, never as a sentence: the admin reads it in their own language.
    assert status.subscription.paused_reason == "missing-permissions"
    assert reason_text(status.subscription.paused_reason).startswith("I am missing permissions to post there")
    assert status.pending == 2 and poster.posts == []
    await settle(dispatcher, clock, utc(2026, 12, 9, 10))
    assert poster.posts == []  # paused: nothing is tried, nothing is dropped
    del poster.refused[CHANNEL]
    await core.reminders.resume(GUILD, subscribed.subscription.id)
    await settle(dispatcher, clock)
    assert poster.titles == ["Future Racer — tomorrow"]


async def test_a_transient_failure_is_retried_with_backoff(core: Core, clock: FixedClock,
                                                           running: tuple[ReminderDispatcher, FakePoster]) -> None:
    dispatcher, poster = running
    await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "0", None, ADMIN)
    poster.failures = 1
    await settle(dispatcher, clock, utc(2026, 12, 10, 9))
    assert poster.posts == [] and dispatcher.stats.retried == 1
    await settle(dispatcher, clock, utc(2026, 12, 10, 9, 0, 9))
    assert poster.posts == []
    await settle(dispatcher, clock, utc(2026, 12, 10, 9, 0, 10))
    assert len(poster.posts) == 1


async def test_changing_the_zone_after_a_reminder_went_out_does_not_send_it_again(
    core: Core, clock: FixedClock, running: tuple[ReminderDispatcher, FakePoster]
) -> None:
    dispatcher, poster = running
    await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "7d, 0", None, ADMIN)
    await settle(dispatcher, clock, utc(2026, 12, 3, 9))
    assert poster.titles == ["Future Racer — in 7 days"]
    await core.reminders.set_timezone(GUILD, "America/Los_Angeles", None)  # 09:00 there is 17:00 UTC
    await settle(dispatcher, clock, utc(2026, 12, 3, 18))
    assert poster.titles == ["Future Racer — in 7 days"]
    await settle(dispatcher, clock, utc(2026, 12, 10, 17))
    assert poster.titles == ["Future Racer — in 7 days", "Future Racer — release day!"]


async def test_a_release_moved_while_its_reminder_is_being_sent_is_reminded_again_for_the_new_date(
    core: Core, clock: FixedClock
) -> None:
    await core.reminders.save_custom(GUILD, "Cup final", "2026-12-20", None, None, ADMIN)
    subscribed = await core.reminders.subscribe(GUILD, CHANNEL, "cup final", "1d", None, ADMIN)
    clock.set(utc(2026, 12, 19, 9))
    [in_flight] = await core.store.reminders.claim_due(clock.now(), 10)
    await core.reminders.save_custom(GUILD, "Cup final", "2026-12-27", None, None, ADMIN)  # moved meanwhile
    await core.store.reminders.mark_sent(in_flight.reminder, 1, clock.now())  # the old send completes
    [reminder] = await core.store.reminders.reminders(subscribed.subscription.id)
    assert (reminder.state, reminder.due_at, reminder.generation) == ("pending", utc(2026, 12, 26, 9), 1)
    assert reminder.nonce("install") != in_flight.reminder.nonce("install")


async def test_a_delivery_that_fails_unexpectedly_is_retried_not_lost(core: Core, clock: FixedClock,
                                                                      running: tuple[ReminderDispatcher, FakePoster]
                                                                      ) -> None:
    dispatcher, poster = running
    await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "0", None, ADMIN)
    original_post = poster.post

    async def broken(channel_id: int, message: OutgoingReminder, nonce: str) -> int | None:
        poster.post = original_post  # type: ignore[method-assign]
        raise RuntimeError("Session is closed")

    poster.post = broken  # type: ignore[method-assign]
    await settle(dispatcher, clock, utc(2026, 12, 10, 9))
    assert poster.posts == []
    await settle(dispatcher, clock, utc(2026, 12, 10, 9, 1))
    assert poster.titles == ["Future Racer — release day!"]
