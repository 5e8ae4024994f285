"""The live season end to end: /schedule and /next, event reminders (moved, cancelled), results announced once, and
the dataset reloaded while the bot runs. On an editable copy of the mini dataset, so each test decides the data."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.adapter.client import PitwallBot
from bot.clock import FixedClock
from bot.config import Settings
from bot.i18n import using
from bot.text import t
from tests.conftest import NOW, REAL_DATA, utc
from tests.discord_standin import DEFAULT_EVERYONE_PERMISSIONS, Channel, DiscordStandIn, Guild
from tests.e2e import embed_text, reply_of, run_until, running_pitwall, standin

ADMIN = DEFAULT_EVERYONE_PERMISSIONS | (1 << 5)  # Manage Server

DECIDED_2026 = '''
[[season.standing]]
position = 1
name = "{champion}"
country = "ES"

[[season.standing]]
position = 2
name = "Kylian Drumont"
country = "FR"

[[season.standing]]
position = 3
name = "Takuma Miyazono"
country = "JP"
'''


@dataclass
class Season:
    discord: DiscordStandIn
    bot: PitwallBot
    clock: FixedClock
    data: Path
    guild: Guild
    channel: Channel
    other: Channel

    async def admin(self, command: str, options: dict[str, Any]) -> str:
        embed, ephemeral, _ = reply_of(await self.discord.invoke(command, options, permissions=ADMIN))
        assert ephemeral
        return embed_text(embed)

    async def ask(self, command: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        embed, _, _ = reply_of(await self.discord.invoke(command, options or {}))
        return embed

    async def run_until(self, instant: datetime) -> None:
        await run_until(self.bot, self.clock, instant)

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.data / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def decide_2026(self, champion: str = "José Serrano") -> None:
        self.edit("seasons.toml", 'title = "2026 Nations Cup"\nseries = "Test Championships"\nstatus = "in-progress"',
                  'title = "2026 Nations Cup"\nseries = "Test Championships"\nstatus = "concluded"')
        with (self.data / "seasons.toml").open("a", encoding="utf-8") as seasons:
            seasons.write(DECIDED_2026.format(champion=champion))

    def titles(self, channel: Channel | None = None) -> list[str]:
        return [m.embeds[0]["title"] for m in self.discord.messages((channel or self.channel).id)]


@pytest.fixture
async def season(make_settings: Callable[..., Settings], clock: FixedClock,
                 data_copy: Path) -> AsyncIterator[Season]:
    async with standin() as discord:
        guild = discord.add_guild("Paddock")
        channel, other = discord.add_channel(guild.id, "paddock"), discord.add_channel(guild.id, "results")
        async with running_pitwall(discord, make_settings(data_copy), clock) as bot:
            yield Season(discord, bot, clock, data_copy, guild, channel, other)
            assert await bot.core.store.integrity_check() == "ok"


async def test_schedule_shows_the_season_past_and_upcoming_with_status_and_winners(season: Season) -> None:
    embed = await season.ask("schedule", {"season": 2026})
    text = embed_text(embed)
    assert embed["title"] == "2026 Gran Turismo World Series calendar"
    assert "Round 1 — Amsterdam" in text and "🇮🇹 **Valerio Gallo**" in text  # a decided round and its winner
    assert "Moved from August 30, 2026 in Vienna." in text
    assert "~~Round 3 — Sydney~~" in text and "cancelled" in text
    assert "World Finals** · Tokyo, Japan · December 5\u2009–\u20096, 2026" in text
    # An exact start is a Discord timestamp, read in each member's own zone.
    assert re.search(r"Online Showdown\*\* · online · <t:\d+:F> – <t:\d+:F>", text)
    # The past is in the order it happened, and an unknown season says which are on record.
    assert text.index("Amsterdam") < text.index("Salzburg") < text.index("Tokyo")
    embed = await season.ask("schedule", {"season": 2019})
    assert "no World Series calendar on record for 2019" in embed["description"] and "2026–2027" in embed["description"]


async def test_next_gives_the_next_events_with_a_relative_timestamp_and_never_a_cancelled_one(season: Season) -> None:
    embed = await season.ask("next")
    names = [f["name"] for f in embed["fields"] if f["name"] != "Sources"]
    assert names == ["🌐 Online Showdown", "🏆 World Finals", "🌐 Online Qualifier 1"]  # Sydney is cancelled
    showdown = embed["fields"][0]["value"]
    start = int(utc(2026, 12, 1, 18).timestamp())
    assert f"<t:{start}:R>" in showdown  # "in 2 days", live in each member's client
    finals = embed["fields"][1]["value"]
    # A day stays a day (in the member's en-US style); the countdown is to its start in Tokyo.
    assert finals.startswith("December 5\u2009–\u20096, 2026 · <t:")
    assert "Tokyo, Japan" in finals


async def test_an_undecided_season_says_where_and_when_it_is_decided(season: Season) -> None:
    embed = await season.ask("podium", {"competition": "nations-cup", "year": 2026})
    assert ("The 2026 Nations Cup season is not decided yet. It will be decided at the World Finals, Tokyo, Japan, "
            "December 5\u2009–\u20096, 2026.") in embed["description"]


async def test_an_event_reminder_is_posted_once_at_its_offset(season: Season) -> None:
    text = await season.admin("reminders add", {"channel": season.channel.id, "release": "World Finals",
                                                "offsets": "1d, 0"})
    assert "Subscription #1" in text and "World Finals (2026)" in text
    # A day without a time is reminded at the server's reminder time (09:00, UTC here).
    await season.run_until(utc(2026, 12, 4, 8, 59))
    assert season.titles() == []
    await season.run_until(utc(2026, 12, 4, 9))
    assert season.titles() == ["World Finals — tomorrow"]
    [message] = season.discord.messages(season.channel.id)
    assert "Where: Tokyo, Japan" in embed_text(message.embeds[0])
    await season.run_until(utc(2026, 12, 5, 9))
    await season.run_until(utc(2026, 12, 6, 9))
    assert season.titles() == ["World Finals — tomorrow", "World Finals — today!"]


async def test_every_upcoming_event_includes_exact_starts_and_skips_cancelled_ones(season: Season) -> None:
    await season.admin("reminders add", {"channel": season.channel.id, "release": "events", "offsets": "2h"})
    await season.run_until(utc(2026, 12, 1, 16))
    await season.run_until(utc(2026, 12, 5, 7))
    await season.run_until(utc(2026, 12, 10))
    # Sydney (cancelled) is silent; the online showdown is reminded two hours before its exact start, and the
    # finals, known by their days only, are never said to start "in 2 hours".
    assert season.titles() == ["Online Showdown — in 2 hours", "World Finals — today!"]
    [showdown, _] = season.discord.messages(season.channel.id)
    assert "Where: online" in embed_text(showdown.embeds[0])


async def test_a_moved_event_moves_its_reminders_and_nothing_fires_for_the_old_date(season: Season) -> None:
    await season.admin("reminders add", {"channel": season.channel.id, "release": "2026-world-finals",
                                         "offsets": "1d"})
    season.edit("events.toml", 'start = "2026-12-05"\nend = "2026-12-06"\nzone = "Asia/Tokyo"\nstatus = "scheduled"',
                'start = "2026-12-12"\nend = "2026-12-13"\nzone = "Asia/Tokyo"\nstatus = "moved"\n'
                'moved_from = "2026-12-05"')
    assert await season.bot.reload_dataset()
    await season.run_until(utc(2026, 12, 10))
    assert season.titles() == []
    await season.run_until(utc(2026, 12, 11, 9))
    assert season.titles() == ["World Finals — tomorrow"]
    embed = await season.ask("schedule", {"season": 2026})
    assert "Moved from December 5, 2026." in embed_text(embed)


async def test_a_cancelled_event_posts_nothing_but_the_one_notice_an_admin_opted_into(season: Season) -> None:
    await season.admin("reminders add", {"channel": season.channel.id, "release": "events", "offsets": "1d",
                                         "cancelled_notice": True})
    await season.admin("reminders add", {"channel": season.other.id, "release": "events", "offsets": "1d"})
    season.edit("events.toml", 'zone = "Asia/Tokyo"\nstatus = "scheduled"', 'zone = "Asia/Tokyo"\nstatus = "cancelled"')
    season.clock.set(NOW + timedelta(minutes=1))  # the subscriptions are older than the news
    assert await season.bot.reload_dataset()
    await season.run_until(NOW + timedelta(minutes=5))
    assert season.titles() == ["Cancelled: World Finals (2026)"]
    notice = embed_text(season.discord.messages(season.channel.id)[0].embeds[0])
    assert "December 5\u2009–\u20096, 2026 (Tokyo, Japan)" in notice
    await season.run_until(utc(2026, 11, 30, 18))
    await season.run_until(utc(2026, 12, 4, 9))
    await season.run_until(utc(2026, 12, 10))
    # Its own reminders never came; the other event subscriptions' did, and no notice where none was asked.
    assert season.titles() == ["Cancelled: World Finals (2026)", "Online Showdown — tomorrow"]
    assert season.titles(season.other) == ["Online Showdown — tomorrow"]
    # A reload that changes nothing announces nothing again.
    season.edit("events.toml", 'name = "Online Qualifier 1"', 'name = "Online Qualifier One"')
    assert await season.bot.reload_dataset()
    await season.run_until(utc(2026, 12, 11))
    assert season.titles().count("Cancelled: World Finals (2026)") == 1


async def test_a_result_is_announced_once_per_channel_and_a_correction_once_more(
    season: Season, make_settings: Callable[..., Settings]
) -> None:
    text = await season.admin("reminders add", {"channel": season.other.id, "release": "results"})
    assert "posted once, when it first appears in the data" in text
    # What was decided before the subscription is history, not news: nothing is posted for 2021 or 2022.
    await season.run_until(NOW + timedelta(minutes=5))
    assert season.titles(season.other) == []
    season.decide_2026()
    season.clock.set(NOW + timedelta(minutes=10))
    assert await season.bot.reload_dataset()
    await season.run_until(NOW + timedelta(minutes=11))
    assert season.titles(season.other) == ["🏆 2026 Nations Cup: the season is decided"]
    [post] = season.discord.messages(season.other.id)
    assert "🥇" in post.embeds[0]["description"] and "José Serrano" in post.embeds[0]["description"]
    assert post.allowed_mentions == {"parse": []}
    # Reloading the same data, or another change elsewhere, posts nothing again.
    assert not await season.bot.reload_dataset()
    season.edit("events.toml", 'name = "Online Qualifier 1"', 'name = "Online Qualifier One"')
    assert await season.bot.reload_dataset()
    await season.run_until(NOW + timedelta(hours=1))
    assert len(season.titles(season.other)) == 1
    # A corrected result is one labelled correction post.
    season.edit("seasons.toml", 'name = "José Serrano"\ncountry = "ES"\n\n[[season.standing]]\nposition = 2\n'
                'name = "Kylian Drumont"', 'name = "Coque López"\ncountry = "ES"\n\n[[season.standing]]\nposition = 2\n'
                'name = "Kylian Drumont"')
    assert await season.bot.reload_dataset()
    await season.run_until(NOW + timedelta(hours=2))
    assert season.titles(season.other) == ["🏆 2026 Nations Cup: the season is decided",
                                           "Correction: 2026 Nations Cup result"]
    correction = season.discord.messages(season.other.id)[1].embeds[0]["description"]
    assert correction.startswith("The result posted earlier has been corrected") and "Coque López" in correction


async def test_a_result_is_announced_in_the_servers_language_whole_embed_included(season: Season) -> None:
    await season.admin("settings language", {"language": "es"})
    await season.admin("reminders add", {"channel": season.other.id, "release": "results"})
    season.decide_2026()
    season.clock.set(NOW + timedelta(minutes=10))
    assert await season.bot.reload_dataset()
    await season.run_until(NOW + timedelta(minutes=11))
    [post] = season.discord.messages(season.other.id)
    embed = post.embeds[0]
    with using("es"):
        assert embed["title"] == t("announce.result", year=2026, competition="Nations Cup")
        # Written by the poster's embed view, not by the post's text: in the server's language too.
        assert [f["name"] for f in embed["fields"]][-1] == t("sources.title") == "Fuentes"
    assert "🇪🇸 España" in embed["description"]


async def test_a_bad_dataset_is_refused_and_the_loaded_one_keeps_answering(season: Season) -> None:
    season.edit("events.toml", 'country = "JP"', 'country = "Japan"')
    assert not await season.bot.reload_dataset()
    embed = await season.ask("schedule", {"season": 2026})
    assert "Tokyo, Japan" in embed_text(embed)


async def test_reloading_while_questions_are_answered_never_mixes_two_datasets(season: Season) -> None:
    """Each answer is wholly the old dataset or wholly the new one: the champion and the source it cites agree."""
    season.edit("sources.toml", 'title = "Official results"', 'title = "Official results, first edition"')
    assert await season.bot.reload_dataset()

    async def ask_repeatedly(stop: asyncio.Event) -> list[str]:
        answers = []
        while not stop.is_set():
            answers.append(embed_text(await season.ask("podium", {"competition": "nations-cup", "year": 2021})))
        return answers

    stop = asyncio.Event()
    askers = [asyncio.create_task(ask_repeatedly(stop)) for _ in range(4)]
    await asyncio.sleep(0.3)
    season.edit("seasons.toml", 'name = "Valerio Gallo"', 'name = "Valerio Gallo (corrected)"')
    season.edit("sources.toml", 'title = "Official results, first edition"',
                'title = "Official results, second edition"')
    assert await season.bot.reload_dataset()
    await asyncio.sleep(0.3)
    stop.set()
    answers = [a for task in askers for a in await task]
    old = [a for a in answers if "first edition" in a]
    new = [a for a in answers if "second edition" in a]
    assert old and new and len(old) + len(new) == len(answers)  # every answer is one of the two, none an error
    assert all("Valerio Gallo (corrected)" not in a for a in old)
    assert all("Valerio Gallo (corrected)" in a for a in new)


async def test_the_real_calendar_answers_schedule_and_next(make_settings: Callable[..., Settings],
                                                           clock: FixedClock, discord: DiscordStandIn) -> None:
    async with running_pitwall(discord, make_settings(REAL_DATA), clock) as bot:
        assert bot.core.services.catalog.event_seasons[0] == 2022
        embed, _, _ = reply_of(await discord.invoke("schedule", {"season": 2026}))
        assert "World Finals" in embed_text(embed) and "Tokyo" in embed_text(embed)
        embed, _, _ = reply_of(await discord.invoke("next", {}))
        assert "Tokyo" in embed_text(embed) and "<t:" in embed_text(embed)
        # Every season's calendar fits Discord's limits whole (the stand-in refuses anything over them).
        for year in bot.core.services.catalog.event_seasons:
            embed, _, _ = reply_of(await discord.invoke("schedule", {"season": year}))
            schedule = bot.core.services.catalog.schedule(year)
            assert all(e.name in embed["description"] for e in schedule.events), year
