"""Property: whatever happens, in any order — dates moved, subscriptions paused and resumed, channels refused,
marks refused by the database, processes crashed (before or after posting) and restarted, time passing — no
reminder is ever posted for a stale generation, and none is ever shown twice in a channel.

The poster stands in for Discord: it deduplicates an enforced nonce for a few minutes (by the injected clock),
and checks at each post that the reminder's row is claimed at the generation the nonce names.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.config import Settings
from bot.core import Core
from bot.errors import UserError
from bot.reasons import MISSING_PERMISSIONS, Reason
from bot.reminders.dispatcher import DeliveryRefused, ReminderDispatcher
from bot.reminders.messages import OutgoingReminder
from bot.reminders.states import NONCE_TRUST
from tests.conftest import MINI_DATA

GUILD, CHANNEL, ADMIN = 1001, 3003, 4004
START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DISCORD_NONCE_WINDOW = NONCE_TRUST + timedelta(minutes=1)  # Discord remembers a little longer than we trust


@dataclass
class DiscordLike:
    core: Core
    clock: FixedClock
    refusing: bool = False
    messages: dict[str, tuple[datetime, int]] = field(default_factory=dict)  # nonce → (first seen, message id)
    shown: list[str] = field(default_factory=list)  # the nonce of every message that exists
    stale_posts: list[str] = field(default_factory=list)

    async def post(self, channel_id: int, message: OutgoingReminder, nonce: str) -> int | None:
        if self.refusing:
            raise DeliveryRefused(Reason(MISSING_PERMISSIONS))
        reminder_id, generation = (int(x) for x in nonce[6:].split("g"))
        row = await self.core.store.db.fetchone("SELECT state, generation FROM reminder WHERE id = ?", (reminder_id,))
        if row is None or tuple(row) != ("claimed", generation):
            self.stale_posts.append(f"{nonce}: row is {row}")
        seen = self.messages.get(nonce)
        if seen is not None and self.clock.now() - seen[0] <= DISCORD_NONCE_WINDOW:
            return seen[1]  # Discord returns the first message
        self.messages[nonce] = (self.clock.now(), len(self.shown) + 1)
        self.shown.append(nonce)
        return len(self.shown)


@dataclass
class Bot:
    core: Core
    clock: FixedClock
    discord: DiscordLike
    dispatcher: ReminderDispatcher | None = None
    refuse_marks: int = 0

    async def start(self) -> None:
        self.dispatcher = ReminderDispatcher(self.core.reminders, self.discord, per_second=1e6)
        self.core.reminders.on_change = self.dispatcher.wake
        await self.dispatcher.recover()
        await self.core.reminders.replan_all()
        self.dispatcher.start()

    async def settle(self) -> None:
        """Let the dispatcher do everything due; time moves on (5 s at a time) only if it has marks to retry."""
        assert self.dispatcher is not None
        for _ in range(20):
            self.dispatcher.wake()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.dispatcher.idle.wait(), timeout=0.3)
                return
            self.clock.advance(timedelta(seconds=6))
        raise AssertionError("the dispatcher never went idle")

    async def crash(self) -> None:
        """The process dies: nothing is given back, nothing more is recorded."""
        assert self.dispatcher is not None
        self.dispatcher._stopping = True
        if self.dispatcher._task is not None:
            self.dispatcher._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.dispatcher._task
        self.dispatcher = None


Op = tuple[str, int]
# The scheduler's properties, on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends

ops = st.lists(st.one_of(
    st.tuples(st.just("advance"), st.integers(1, 60 * 48)),  # minutes
    st.tuples(st.just("move"), st.integers(0, 6)),  # to that many days after 2 December
    st.tuples(st.sampled_from(["pause", "resume", "refuse", "allow", "refuse_marks", "restart", "zone",
                               "crash", "crash_after_claim", "crash_after_post"]), st.just(0)),
), min_size=1, max_size=14)


async def run(sequence: list[Op], directory: Path, database_url: str | None = None) -> DiscordLike:
    clock = FixedClock(START)
    core = await Core.open(Settings(db_path=directory / "p.sqlite3", data_dir=MINI_DATA, database_url=database_url),
                           clock)
    discord = DiscordLike(core, clock)
    bot = Bot(core, clock, discord)
    rows = core.store.reminders
    real_mark = rows.mark_sent

    async def flaky_mark(*args: object) -> bool:
        if bot.refuse_marks:
            bot.refuse_marks -= 1
            raise sqlite3.OperationalError("database or disk is full")
        return await real_mark(*args)  # type: ignore[arg-type]

    rows.mark_sent = flaky_mark  # type: ignore[method-assign,assignment]
    try:
        await core.reminders.save_custom(GUILD, "Cup final", "2026-12-02", "18:00", None, ADMIN)
        subscribed = await core.reminders.subscribe(GUILD, CHANNEL, "cup final", "1d, 2h, 0", None, ADMIN)
        sub_id = subscribed.subscription.id
        await bot.start()
        for op, value in sequence:
            assert bot.dispatcher is not None
            if op == "advance":
                clock.advance(timedelta(minutes=value))
            elif op == "move":
                with contextlib.suppress(UserError):  # a moment already past is refused politely
                    day = (datetime(2026, 12, 2, tzinfo=UTC) + timedelta(days=value)).date().isoformat()
                    await core.reminders.save_custom(GUILD, "Cup final", day, "18:00", None, ADMIN)
            elif op == "pause":
                await core.reminders.pause(GUILD, sub_id)
            elif op == "resume":
                await core.reminders.resume(GUILD, sub_id)
            elif op in ("refuse", "allow"):
                discord.refusing = op == "refuse"
            elif op == "refuse_marks":
                bot.refuse_marks = 2
            elif op == "zone":  # a new zone re-plans every reminder
                zone = "Europe/Paris" if (await rows.settings(GUILD)).timezone == "UTC" else "UTC"
                await core.reminders.set_timezone(GUILD, zone, None)
            elif op == "restart":
                await bot.dispatcher.stop()
                await bot.start()
            elif op == "crash":
                await bot.crash()
                await bot.start()
            else:  # a process claims what is due, maybe posts it, and dies before recording anything
                await bot.crash()
                for delivery in await rows.claim_due(clock.now(), 10):
                    if op == "crash_after_post" and not discord.refusing:
                        install = await rows.install_id(clock.now())
                        await discord.post(CHANNEL, None, delivery.reminder.nonce(install))  # type: ignore[arg-type]
                clock.advance(timedelta(seconds=30))
                await bot.start()
            await bot.settle()
        assert bot.dispatcher is not None
        await bot.dispatcher.stop()
    finally:
        await core.close()
    return discord


# A new database per example on either backend (the fixture gives a maker, not a database).
@settings(max_examples=75, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sequence=ops)
async def test_no_reminder_is_posted_for_a_stale_generation_or_shown_twice(
        sequence: list[Op], new_database_url: Callable[[], str | None]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        discord = await run(sequence, Path(directory), new_database_url())
    assert discord.stale_posts == []
    # Every (reminder, generation) appears at most once in the channel: a nonce is shown at most once.
    assert len(discord.shown) == len(set(discord.shown)), discord.shown


@pytest.mark.parametrize(("sequence", "shown"), [
    ([("advance", 600)], 1),  # 18:00 on 1 December: the "1 day before" reminder
    ([("advance", 600), ("crash_after_post", 0)], 1),  # posted, died before the mark: re-sent, deduplicated
    ([("advance", 599), ("crash_after_claim", 0), ("advance", 1)], 1),  # claimed early, died: sent on restart
    ([("advance", 600), ("refuse_marks", 0), ("restart", 0)], 1),  # a mark refused twice: retried, not re-sent
    ([("refuse", 0), ("advance", 600), ("move", 3), ("allow", 0), ("resume", 0), ("advance", 60)], 0),
    ([("advance", 600), ("move", 2), ("advance", 60 * 48)], 2),  # moved after it was sent: reminded again
])
async def test_known_sequences_show_what_a_member_expects(sequence: list[Op], shown: int,
                                                          new_database_url: Callable[[], str | None]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        discord = await run(sequence, Path(directory), new_database_url())
    assert discord.stale_posts == [] and len(discord.shown) == shown, discord.shown
