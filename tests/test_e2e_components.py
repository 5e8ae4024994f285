"""Buttons and selects on answers, clicked through the stand-in as a member would (component interactions)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.adapter.client import PitwallBot
from bot.clock import FixedClock
from tests.discord_standin import DiscordStandIn, InteractionResult, RecordedMessage
from tests.e2e import SlowQuestions, reply_of


def buttons(message: RecordedMessage) -> dict[str, dict[str, Any]]:
    return {c["label"]: c for row in message.components for c in row["components"] if c["type"] == 2}


def select_options(message: RecordedMessage) -> list[dict[str, Any]]:
    [select] = [c for row in message.components for c in row["components"] if c["type"] == 3]
    return list(select["options"])


def title(message: RecordedMessage) -> str:
    return str(message.embeds[0]["title"])


async def podium(discord: DiscordStandIn, competition: str = "nations-cup", year: int = 2021) -> RecordedMessage:
    result = await discord.invoke("podium", {"competition": competition, "year": year})
    assert result.original is not None
    return result.original


async def test_podium_buttons_step_through_the_seasons_in_place(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    message = await podium(discord)
    assert title(message) == "2021 Nations Cup — season podium"
    assert set(buttons(message)) == {"◀ 2020", "2022 ▶"}

    click = await discord.click(message, label="◀ 2020")
    assert click.callback_type == 7 and click.followups == []  # the same message, updated
    assert title(message) == "2020 Nations Cup — season podium"
    assert "Takuma Miyazono" in message.embeds[0]["description"].splitlines()[0]
    assert set(buttons(message)) == {"◀ 2019", "2021 ▶"}

    await discord.click(message, label="◀ 2019")
    await discord.click(message, label="◀ 2018")
    assert title(message) == "2018 Nations Cup — season podium"
    assert set(buttons(message)) == {"2019 ▶"}  # nothing before the first season on record


async def test_a_select_switches_the_competition_of_the_podium(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    message = await podium(discord)
    options = {o["label"]: o for o in select_options(message)}
    assert options["Nations Cup"].get("default") is True
    await discord.click(message, values=[options["Manufacturers Cup"]["value"]],
                        custom_id=message.components[1]["components"][0]["custom_id"])
    assert title(message) == "2021 Manufacturer Series — season podium"  # its name that season
    assert "Toyota" in message.embeds[0]["description"]


async def test_champion_offers_each_competition_of_the_year(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    result = await discord.invoke("champion", {"year": 2021})
    message = result.original
    assert message is not None and title(message) == "2021 champions"
    options = {o["label"]: o for o in select_options(message)}
    assert set(options) == {"All competitions", "Nations Cup", "Manufacturers Cup"}
    select_id = message.components[0]["components"][0]["custom_id"]
    await discord.click(message, custom_id=select_id, values=[options["Nations Cup"]["value"]])
    assert title(message) == "2021 Nations Cup champion"
    assert len(message.embeds[0]["fields"]) == 2  # the Nations Cup, and the sources


async def test_only_the_member_who_asked_can_change_the_answer(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    message = await podium(discord)
    passer_by = discord.add_user("passer-by")
    click = await discord.click(message, label="◀ 2020", user=passer_by)
    assert click.callback_type == 4 and click.ephemeral
    assert "Only the member who asked" in click.embeds[0]["description"] and "/podium" in click.embeds[0]["description"]
    assert title(message) == "2021 Nations Cup — season podium"  # unchanged for everyone else


async def test_expired_buttons_say_so_and_are_taken_off(discord: DiscordStandIn, pitwall: PitwallBot,
                                                        clock: FixedClock) -> None:
    message = await podium(discord)
    clock.advance(timedelta(minutes=16))
    click = await discord.click(message, label="◀ 2020")
    [notice] = await click.wait_followups(1)
    assert notice.ephemeral and "expired" in notice.embeds[0]["description"]
    assert "/podium" in notice.embeds[0]["description"]
    assert message.components == [] and title(message) == "2021 Nations Cup — season podium"


async def test_buttons_in_use_do_not_expire(discord: DiscordStandIn, pitwall: PitwallBot, clock: FixedClock) -> None:
    message = await podium(discord)
    for label in ("◀ 2020", "2021 ▶", "◀ 2020"):
        clock.advance(timedelta(minutes=10))
        await discord.click(message, label=label)
    assert title(message) == "2020 Nations Cup — season podium"


async def test_a_button_from_an_older_pitwall_says_it_expired(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    channel_id = next(iter(discord.world.guild(next(iter(discord.world.guilds))).channels))
    stale = {"type": 2, "style": 2, "label": "◀ 2020", "custom_id": "pw0:podium:nc:2020"}
    old = discord.world.new_message(channel_id, {"embeds": [{"title": "2021 Nations Cup — season podium"}],
                                                 "components": [{"type": 1, "components": [stale]}]}, "channel")
    click = await discord.click(old, label="◀ 2020")
    [notice] = await click.wait_followups(1)
    assert "expired" in notice.embeds[0]["description"] and old.components == []


async def test_a_slow_click_is_deferred_within_the_deadline(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    message = await podium(discord)
    discord.interaction_deadline = 1.0
    pitwall.defer_after = 0.2
    pitwall.core.questions = SlowQuestions(pitwall.core.questions, delay=1.2)  # type: ignore[assignment]
    click: InteractionResult = await discord.click(message, label="◀ 2020", timeout=10)
    assert click.callback_type == 6 and click.latency is not None and click.latency < 1.0
    assert title(message) == "2020 Nations Cup — season podium" and not click.rejected


async def test_an_error_behind_a_button_goes_to_the_clicker_alone(discord: DiscordStandIn,
                                                                  pitwall: PitwallBot) -> None:
    message = await podium(discord, year=2025)
    assert set(buttons(message)) == {"◀ 2024"}  # 2026 is not decided: no button promises it
    embed, ephemeral, _ = reply_of(await discord.invoke("podium", {"competition": "nations-cup", "year": 2026}))
    assert ephemeral and "not decided yet" in embed["description"]


async def test_someone_elses_click_on_expired_buttons_leaves_them_alone(discord: DiscordStandIn, pitwall: PitwallBot,
                                                                        clock: FixedClock) -> None:
    message = await podium(discord)
    clock.advance(timedelta(minutes=16))
    click = await discord.click(message, label="◀ 2020", user=discord.add_user("passer-by"))
    assert click.ephemeral and "Only the member who asked" in click.embeds[0]["description"]
    assert set(buttons(message)) == {"◀ 2020", "2022 ▶"}  # the asker's message is untouched
