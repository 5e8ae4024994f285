from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.config import Settings
from bot.core import Core
from bot.errors import BadInput, NotOnRecord, UnknownName
from tests.conftest import utc

# The store and scheduler suites: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends

GUILD, OTHER_GUILD, CHANNEL, ADMIN = 1001, 2002, 3003, 4004


async def due_times(core: Core, subscription_id: int) -> list[datetime]:
    return [r.due_at for r in await core.store.reminders.reminders(subscription_id) if r.state == "pending"]


async def test_subscribing_to_a_game_plans_each_offset_of_each_release_with_a_day(core: Core) -> None:
    result = await core.reminders.subscribe(GUILD, CHANNEL, "Future Racer", None, None, ADMIN)
    # The JP date (10 Dec 2026) has a day; the worldwide one (February 2027) does not, so gets none yet.
    assert await due_times(core, result.subscription.id) == [utc(2026, 12, 3, 9), utc(2026, 12, 9, 9),
                                                             utc(2026, 12, 10, 9)]
    assert result.next_due == utc(2026, 12, 3, 9)
    assert result.subject_title == "Future Racer"


async def test_the_servers_zone_and_reminder_time_set_when_date_only_releases_are_reminded(core: Core) -> None:
    await core.reminders.set_timezone(GUILD, "Asia/Tokyo", "18:30")
    result = await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "0", None, ADMIN)
    assert await due_times(core, result.subscription.id) == [utc(2026, 12, 10, 9, 30)]  # 18:30 JST
    await core.reminders.set_timezone(GUILD, "Europe/Paris", None)  # keeps 18:30, re-plans
    assert await due_times(core, result.subscription.id) == [utc(2026, 12, 10, 17, 30)]


async def test_a_past_release_is_refused_with_its_date(core: Core) -> None:
    with pytest.raises(NotOnRecord, match="Gran Turismo 7 came out on 2022-03-04"):
        await core.reminders.subscribe(GUILD, CHANNEL, "gt7", None, None, ADMIN)
    assert await core.store.reminders.subscriptions(GUILD) == []


async def test_bad_offsets_and_unknown_releases_store_nothing(core: Core) -> None:
    with pytest.raises(BadInput):
        await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "soon", None, ADMIN)
    with pytest.raises(UnknownName):
        await core.reminders.subscribe(GUILD, CHANNEL, "gran turismo 8", None, None, ADMIN)
    assert await core.store.reminders.subscriptions(GUILD) == []


async def test_a_custom_release_time_is_read_in_the_servers_zone(core: Core) -> None:
    await core.reminders.set_timezone(GUILD, "Europe/Paris", None)
    custom = await core.reminders.save_custom(GUILD, "Season 3 launch!", "2026-12-20", "20:00", "PS5, PC", ADMIN)
    assert (custom.slug, custom.date.isoformat(), str(custom.time_utc), custom.platforms) == (
        "season-3-launch", "2026-12-20", "19:00:00", ("PS5", "PC"))
    result = await core.reminders.subscribe(GUILD, CHANNEL, "season 3 launch", "1d, 2h, 0", None, ADMIN)
    assert await due_times(core, result.subscription.id) == [utc(2026, 12, 19, 19), utc(2026, 12, 20, 17),
                                                             utc(2026, 12, 20, 19)]


async def test_moving_a_release_moves_its_pending_reminders_and_nothing_stays_on_the_old_date(core: Core) -> None:
    await core.reminders.save_custom(GUILD, "Cup final", "2026-12-20", None, None, ADMIN)
    result = await core.reminders.subscribe(GUILD, CHANNEL, "cup final", "1d, 0", None, ADMIN)
    await core.reminders.save_custom(GUILD, "Cup final", "2026-12-27", None, None, ADMIN)
    reminders = await core.store.reminders.reminders(result.subscription.id)
    assert [(r.due_at, r.state, r.release_on) for r in reminders] == [
        (utc(2026, 12, 26, 9), "pending", "2026-12-27"), (utc(2026, 12, 27, 9), "pending", "2026-12-27")]


async def test_a_servers_custom_releases_are_invisible_to_other_servers(core: Core) -> None:
    await core.reminders.save_custom(GUILD, "Secret league night", "2026-12-20", None, None, ADMIN)
    assert "custom:secret-league-night" in {t.key for t in await core.reminders.targets(GUILD)}
    assert "custom:secret-league-night" not in {t.key for t in await core.reminders.targets(OTHER_GUILD)}
    with pytest.raises(UnknownName):
        await core.reminders.subscribe(OTHER_GUILD, CHANNEL, "Secret league night", None, None, ADMIN)


async def test_the_value_autocomplete_sends_for_a_custom_release_is_understood(core: Core) -> None:
    await core.reminders.save_custom(GUILD, "Cup final", "2026-12-20", None, None, ADMIN)
    assert await core.reminders.resolve_subject(GUILD, "custom:cup-final") == ("custom:cup-final", "Cup final")
    assert await core.reminders.resolve_subject(GUILD, "future-racer") == ("future-racer", "Future Racer")


@pytest.mark.parametrize("day", ["20261220", "2026-W52-1", "9999-12-31", "2026-12-20T10:00"])
async def test_custom_dates_must_be_plain_and_within_five_years(core: Core, day: str) -> None:
    with pytest.raises(BadInput, match="YYYY-MM-DD"):
        await core.reminders.save_custom(GUILD, "Far away", day, None, None, ADMIN)


async def test_a_custom_release_in_the_past_is_refused(core: Core) -> None:
    with pytest.raises(BadInput, match="already passed"):
        await core.reminders.save_custom(GUILD, "Yesterday", "2026-11-28", None, None, ADMIN)
    with pytest.raises(BadInput, match="not a date"):
        await core.reminders.save_custom(GUILD, "Someday", "next friday", None, None, ADMIN)


async def test_removing_then_adding_again_starts_afresh(core: Core) -> None:
    first = await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "1d", None, ADMIN)
    await core.reminders.remove(GUILD, first.subscription.id)
    assert await core.store.reminders.reminders(first.subscription.id) == []
    with pytest.raises(NotOnRecord, match="no reminder subscription #"):
        await core.reminders.remove(GUILD, first.subscription.id)
    second = await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "1d", None, ADMIN)
    assert await due_times(core, second.subscription.id) == [utc(2026, 12, 9, 9)]


async def test_another_server_cannot_touch_a_subscription(core: Core) -> None:
    mine = await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "1d", None, ADMIN)
    for action in (core.reminders.remove, core.reminders.pause, core.reminders.resume):
        with pytest.raises(NotOnRecord):
            await action(OTHER_GUILD, mine.subscription.id)
    assert len(await core.store.reminders.subscriptions(GUILD)) == 1


async def test_a_deleted_channel_or_a_left_server_takes_its_subscriptions_with_it(core: Core) -> None:
    await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", None, None, ADMIN)
    await core.reminders.subscribe(GUILD, CHANNEL + 1, "future-racer", None, None, ADMIN)
    await core.reminders.save_custom(GUILD, "Cup final", "2026-12-20", None, None, ADMIN)
    await core.reminders.forget_channel(CHANNEL)
    assert [s.channel_id for s in await core.store.reminders.subscriptions(GUILD)] == [CHANNEL + 1]
    await core.reminders.forget_guild(GUILD)
    assert await core.store.reminders.subscriptions(GUILD) == []
    assert await core.store.reminders.custom_releases(GUILD) == []


async def test_a_dataset_update_that_moves_a_date_replans_on_the_next_start(
    make_settings: Callable[..., Settings], clock: FixedClock, data_copy: Path, database_backend: str
) -> None:
    data = data_copy
    settings = make_settings(data)
    core = await Core.open(settings, clock)
    subscribed = await core.reminders.subscribe(GUILD, CHANNEL, "future-racer", "1d, 0", None, ADMIN)
    await core.close()
    releases = (data / "releases.toml").read_text()
    (data / "releases.toml").write_text(releases.replace('date = "2026-12-10"', 'date = "2026-12-15"'))
    core = await Core.open(settings, clock)
    try:
        if database_backend == "postgresql":
            # A shared database keeps its dataset across starts (a process of an older release must never undo
            # a newer load); `pitwall data load` loads it, and every process follows.
            await core.reminders.replan_all()
            assert await due_times(core, subscribed.subscription.id) == [utc(2026, 12, 9, 9), utc(2026, 12, 10, 9)]
            await core.reload(settings, clock)
        await core.reminders.replan_all()
        assert await due_times(core, subscribed.subscription.id) == [utc(2026, 12, 14, 9), utc(2026, 12, 15, 9)]
    finally:
        await core.close()


async def test_everything_a_server_owns_survives_a_dataset_reload(
    make_settings: Callable[..., Settings], clock: FixedClock, data_copy: Path
) -> None:
    data = data_copy
    settings = make_settings(data)
    core = await Core.open(settings, clock)
    await core.reminders.set_timezone(GUILD, "Europe/Paris", "10:00")
    await core.reminders.save_custom(GUILD, "Cup final", "2026-12-20", None, None, ADMIN)
    await core.reminders.subscribe(GUILD, CHANNEL, "cup final", "1d", None, ADMIN)
    await core.close()
    (data / "sources.toml").write_text((data / "sources.toml").read_text() + "\n# touched\n")
    core = await Core.open(settings, clock)
    try:
        assert (await core.store.reminders.settings(GUILD)).timezone == "Europe/Paris"
        assert [c.name for c in await core.store.reminders.custom_releases(GUILD)] == ["Cup final"]
        assert len(await core.store.reminders.subscriptions(GUILD)) == 1
    finally:
        await core.close()



@pytest.mark.parametrize(("typed", "subject"), [
    ("results", "results"), ("résultats", "results"), ("resultados", "results"),
    ("events", "events"), ("toutes les épreuves", "events"), ("pruebas", "events"),
])
async def test_every_event_and_results_can_be_typed_in_any_language_pitwall_speaks(core: Core, typed: str,
                                                                                   subject: str) -> None:
    assert (await core.reminders.resolve_subject(GUILD, typed))[0] == subject


async def test_a_custom_release_keeps_the_slug_earlier_versions_gave_it(core: Core) -> None:
    first = await core.reminders.save_custom(GUILD, "Ørsted Cup", "2026-12-20", None, None, ADMIN)
    assert first.slug == "rsted-cup"  # as stored before letters of every script were kept in names
    again = await core.reminders.save_custom(GUILD, "Ørsted Cup", "2026-12-21", None, None, ADMIN)
    assert again.id == first.id and len(await core.reminders.rows.custom_releases(GUILD)) == 1
    japanese = await core.reminders.save_custom(GUILD, "グランプリ", "2026-12-22", None, None, ADMIN)
    assert japanese.slug  # a name with no ASCII letter is a name too (it was refused as empty)


async def test_english_chosen_in_a_british_server_keeps_british_dates(core: Core) -> None:
    await core.reminders.rows.record_discord_locales({GUILD: "en-GB", OTHER_GUILD: "fr"}, utc(2026, 11, 29))
    await core.reminders.set_language(GUILD, "en")
    await core.reminders.set_language(OTHER_GUILD, "en")
    assert (await core.reminders.rows.settings(GUILD)).post_locale == "en-GB"
    assert (await core.reminders.rows.settings(OTHER_GUILD)).post_locale == "en"
    with pytest.raises(BadInput, match="Languages"):
        await core.reminders.set_language(GUILD, "klingon")
