"""Announcements: the rules that decide what a dataset load announces, and the cases a review found."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.announcements import ANNOUNCE_AFTER, Recorded, changes
from bot.clock import FixedClock
from bot.config import Settings
from bot.core import Core
from bot.reminders.messages import compose
from bot.reminders.model import Delivery
from bot.reminders.planner import parse_zone
from tests.conftest import NOW, data_load, utc
from tests.test_e2e_live_season import DECIDED_2026
from tests.test_reminder_dispatcher import FakePoster, dispatcher_for, settle

# The store and scheduler suites: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends

GUILD, CHANNEL, ADMIN = 1, 2, 3
KEY = "result:2026:nations-cup"


def recorded(digest: str = "a", revision: int = 0, retracted: bool = False) -> dict[str, Recorded]:
    return {KEY: Recorded(digest, revision, NOW, NOW, NOW if retracted else None)}


def test_a_new_result_is_revision_zero_and_an_unchanged_one_is_no_change() -> None:
    [new] = changes({}, {KEY: "a"}, NOW).values()
    assert (new.revision, new.first_seen_at, new.retracted_at) == (0, NOW, None)
    assert changes(recorded("a"), {KEY: "a"}, NOW + timedelta(days=1)) == {}


def test_a_fix_loaded_before_anything_was_posted_is_not_a_correction() -> None:
    [fixed] = changes(recorded("a"), {KEY: "b"}, NOW + ANNOUNCE_AFTER / 2).values()
    assert (fixed.digest, fixed.revision, fixed.changed_at) == ("b", 0, NOW)
    [later] = changes(recorded("a"), {KEY: "b"}, NOW + ANNOUNCE_AFTER * 2).values()
    assert (later.revision, later.changed_at) == (1, NOW + ANNOUNCE_AFTER * 2)


def test_a_withdrawn_result_is_retracted_and_its_return_is_news_only_if_it_changed() -> None:
    [gone] = changes(recorded("a"), {}, NOW + timedelta(hours=1)).values()
    assert gone.retracted_at == NOW + timedelta(hours=1)
    [same] = changes(recorded("a", retracted=True), {KEY: "a"}, NOW + timedelta(hours=2)).values()
    assert (same.revision, same.retracted_at) == (0, None)  # the podium members already saw: not posted again
    [other] = changes(recorded("a", retracted=True), {KEY: "b"}, NOW + timedelta(hours=2)).values()
    assert (other.revision, other.first_seen_at) == (1, NOW + timedelta(hours=2))


def test_an_event_cancelled_again_after_being_back_on_is_announced_again() -> None:
    key = "cancelled:2026-round-3"
    was = {key: Recorded("cancelled", 0, NOW, NOW, NOW)}
    [again] = changes(was, {key: "cancelled"}, NOW + timedelta(days=1)).values()
    assert (again.revision, again.first_seen_at, again.retracted_at) == (1, NOW + timedelta(days=1), None)


def _decide(data: Path) -> None:
    seasons = data / "seasons.toml"
    marker = 'title = "2026 Nations Cup"\nseries = "Test Championships"\nstatus = "in-progress"'
    text = seasons.read_text(encoding="utf-8")
    seasons.write_text(text.replace(marker, marker.replace("in-progress", "concluded"))
                       + DECIDED_2026.format(champion="José Serrano"), encoding="utf-8")


async def test_a_result_loaded_while_the_bot_was_down_is_posted_when_it_starts_however_late(
    make_settings: Callable[..., Settings], data_copy: Path
) -> None:
    settings = make_settings(data_copy)
    clock = FixedClock(NOW)
    core = await Core.open(settings, clock)
    await core.reminders.subscribe(GUILD, CHANNEL, "results", None, None, ADMIN)
    await core.close()
    _decide(data_copy)
    clock.set(NOW + timedelta(hours=1))
    await data_load(settings, clock)  # with the bot stopped
    clock.set(NOW + timedelta(hours=9))  # the bot starts long after the 6-hour grace for reminders
    core = await Core.open(settings, clock)
    poster = FakePoster()
    dispatcher = dispatcher_for(core, poster)
    await core.reminders.replan_all()
    dispatcher.start()
    try:
        await settle(dispatcher, clock)
        assert poster.titles == ["🏆 2026 Nations Cup: the season is decided"]
        assert "Late" not in str(poster.posts[0][1].answer.description)
    finally:
        await dispatcher.stop()
        await core.close()


async def test_a_reload_between_its_load_and_its_replan_posts_nothing_twice(
    make_settings: Callable[..., Settings], data_copy: Path
) -> None:
    """The result is due but not posted yet (a busy start, a rate limit) when a corrected podium is loaded, and the
    dispatcher claims it between the load and the re-plan: one post, the result as it now stands, no "Correction"."""
    settings = make_settings(data_copy)
    clock = FixedClock(NOW)
    core = await Core.open(settings, clock)
    poster = FakePoster()
    dispatcher = dispatcher_for(core, poster)
    try:
        await core.reminders.subscribe(GUILD, CHANNEL, "results", None, None, ADMIN)
        _decide(data_copy)
        clock.set(NOW + timedelta(minutes=5))
        assert (await core.reload(settings, clock)).changed  # due at +6 min; the dispatcher is not running yet
        seasons = data_copy / "seasons.toml"
        seasons.write_text(seasons.read_text(encoding="utf-8").replace("José Serrano", "Coque López"),
                           encoding="utf-8")
        real_replan = core.reminders.replan_all

        async def late_replan() -> None:
            dispatcher.start()  # the bot was busy until now: the result is due, not posted
            await settle(dispatcher, clock)  # the dispatcher gets there first
            await real_replan()

        core.reminders.replan_all = late_replan  # type: ignore[method-assign]
        clock.set(NOW + timedelta(minutes=10))
        assert (await core.reload(settings, clock)).changed
        for minutes in (11, 12, 20, 60):
            await settle(dispatcher, clock, NOW + timedelta(minutes=minutes))
        assert poster.titles == ["🏆 2026 Nations Cup: the season is decided"]
        assert "Coque López" in str(poster.posts[0][1].answer.description)
    finally:
        await dispatcher.stop()
        await core.close()


async def test_today_and_tomorrow_are_the_servers_days(core: Core) -> None:
    """A day-only event reminded 6 hours before 20:00 in Los Angeles is on the event's day there, not in UTC."""
    await core.reminders.set_timezone(GUILD, "America/Los_Angeles", "20:00")
    await core.reminders.subscribe(GUILD, CHANNEL, "World Finals", "6h", None, ADMIN)
    [sub] = await core.store.reminders.subscriptions(GUILD)
    [reminder] = await core.store.reminders.reminders(sub.id)
    # 14:00 on 5 December in Los Angeles, for 20:00 there: the same day, though 20:00 there is 6 December in UTC.
    assert (reminder.due_at, reminder.anchor_at) == (utc(2026, 12, 5, 22), utc(2026, 12, 6, 4))
    targets = {x.key: x for x in await core.reminders.targets(GUILD)}
    message = compose(Delivery(reminder, sub), targets[reminder.release_key], late=False,
                      zone=parse_zone("America/Los_Angeles"))
    assert message.answer.title == "World Finals — today!"


async def test_a_typed_event_name_means_the_next_one(core: Core, clock: FixedClock) -> None:
    subject, title = await core.reminders.resolve_subject(GUILD, "World Finals")
    assert (subject, title) == ("event:2026-world-finals", "World Finals (2026)")
    clock.set(utc(2026, 12, 20))
    subject, _ = await core.reminders.resolve_subject(GUILD, "Round 1")
    assert subject == "event:2026-round-1"
