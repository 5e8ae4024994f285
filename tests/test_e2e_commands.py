"""Every command through the gateway of the Discord stand-in, answered by the unmodified discord.py client."""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapter.client import PitwallBot
from tests.discord_standin import DiscordStandIn
from tests.e2e import NO_PINGS, embed_text, reply_of


async def test_champion_2021_answers_with_an_embed_everyone_sees(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    result = await discord.invoke("champion", {"year": 2021})
    embed, ephemeral, mentions = reply_of(result)
    assert not ephemeral and mentions == NO_PINGS
    assert embed["title"] == "2021 champions"
    nations, manufacturers = embed["fields"][0], embed["fields"][1]
    assert "Valerio Gallo" in nations["value"] and "Italy" in nations["value"]
    assert "Toyota" in manufacturers["value"] and "Coque López" in manufacturers["value"]
    assert embed["fields"][-1]["name"] == "Sources" and "https://" in embed["fields"][-1]["value"]
    assert embed["footer"]["text"].startswith("Sources: ")


async def test_podium_lists_gold_silver_bronze_of_the_standing(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    result = await discord.invoke("podium", {"competition": "nations-cup", "year": 2021})
    embed, ephemeral, _ = reply_of(result)
    lines = embed["description"].splitlines()
    assert lines[0].startswith("🥇 **Valerio Gallo** — 🇮🇹 Italy")
    assert lines[1].startswith("🥈 **José Serrano** — 🇪🇸 Spain")
    assert lines[-1].startswith("🥉 **Takuma Miyazono** — 🇯🇵 Japan")
    assert any(f["name"] == "World Final race (not the standing)" for f in embed["fields"])
    assert not ephemeral


async def test_release_gives_the_date_as_a_date_and_the_platforms(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    embed, _, _ = reply_of(await discord.invoke("release", {"game": "gt7"}))
    assert embed["title"] == "Gran Turismo 7"
    assert "**March 4, 2022** — PS5, PS4" in embed["description"]


async def test_releases_and_about_answer(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    releases, _, _ = reply_of(await discord.invoke("releases"))
    assert [f["name"] for f in releases["fields"]] == ["Upcoming", "Recent"]
    about, _, _ = reply_of(await discord.invoke("about"))
    assert "seasons 2018–" in embed_text(about)


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        ("champion", {"year": 1999}, "Seasons on record: 2018–"),
        ("champion", {"year": 2026}, "not decided yet"),
        ("podium", {"competition": "natoins cup"}, "Did you mean `nations-cup`?"),
        ("release", {"game": "@everyone"}, "I don't know a game called “@everyone”"),
        ("release", {"game": "\u200b"}, "Please give a game name."),
        ("podium", {"competition": "x" * 100 + "y"}, "too long"),
    ],
)
async def test_bad_input_gets_a_polite_private_reply(discord: DiscordStandIn, pitwall: PitwallBot,
                                                     command: str, options: dict[str, Any], expected: str) -> None:
    result = await discord.invoke(command, options)
    embed, ephemeral, mentions = reply_of(result)
    assert ephemeral and mentions == NO_PINGS
    assert embed["title"] == "Sorry, I can't answer that"
    assert expected in embed["description"]


async def test_a_year_outside_the_options_range_is_refused_politely(discord: DiscordStandIn,
                                                                   pitwall: PitwallBot) -> None:
    embed, ephemeral, _ = reply_of(await discord.invoke("champion", {"year": 30000}))
    assert ephemeral and embed["title"] == "Sorry, I can't answer that"
    assert "Traceback" not in embed["description"]


async def test_autocomplete_suggests_from_partial_input(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    competitions = await discord.autocomplete("podium", {"competition": "nat"}, focused="competition")
    assert competitions[0] == {"name": "Nations Cup", "value": "nations-cup"}
    games = await discord.autocomplete("release", {"game": "gt"}, focused="game")
    assert "gran-turismo-7" in [c["value"] for c in games] and len(games) <= 25
    years = await discord.autocomplete("champion", {"year": 201}, focused="year")
    assert [c["value"] for c in years] == [2019, 2018]


async def test_no_message_the_bot_sends_can_ping_anyone(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    asks: list[tuple[str, dict[str, Any]]] = [
        ("release", {"game": "<@&1> @here @everyone"}), ("champion", {"year": 2021}),
        ("podium", {"competition": "<@123>"})]
    for command, options in asks:
        await discord.invoke(command, options)
    sent = [m for r in discord.interactions() for m in r.messages]
    assert sent and all(m.allowed_mentions == NO_PINGS for m in sent)
