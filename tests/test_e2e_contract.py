"""What checking pitwall against Discord's published contract found, each fixed and shown end to end.

Every end-to-end test runs against the validating stand-in and fails if anything was refused; the tests here reach
the cases that used to break it: long custom names in autocomplete, a Sources field at the limit, lists longer
than one embed, options with no description, and where the commands may be used.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapter.client import PitwallBot
from bot.reminders.service import MAX_CUSTOM_RELEASES_PER_GUILD, MAX_SUBSCRIPTIONS_PER_GUILD
from tests.discord_standin import DEFAULT_EVERYONE_PERMISSIONS, DiscordStandIn, RecordedMessage
from tests.e2e import embed_text, reply_of

ADMIN = DEFAULT_EVERYONE_PERMISSIONS | (1 << 5)  # Manage Server
# Normalising "ß" to "ss" makes the slug longer than the name: over Discord's 100 characters here.
LONG_NAME = ("Großer Preis der Straßen-Meisterschaft, Saison drei — Finale in Groß-Gerau " * 2)[:100]
CHOICE_LIMIT = 100


async def admin(discord: DiscordStandIn, command: str, options: dict[str, Any]) -> dict[str, Any]:
    embed, ephemeral, _ = reply_of(await discord.invoke(command, options, permissions=ADMIN))
    assert ephemeral, embed
    return embed


async def test_a_long_custom_name_autocompletes_with_short_values(discord: DiscordStandIn,
                                                                 pitwall: PitwallBot) -> None:
    saved = await admin(discord, "custom-release add", {"name": LONG_NAME, "date": "2026-12-20"})
    assert "Custom release saved" in saved["title"]
    [slug] = [c.slug for c in await pitwall.core.reminders.rows.custom_releases(next(iter(discord.world.guilds)))]
    assert len(slug) > CHOICE_LIMIT  # the case Discord used to refuse

    picks = await discord.autocomplete("reminders add", {"channel": _general(discord)}, focused="release",
                                       permissions=ADMIN)
    [pick] = [c for c in picks if c["name"].startswith("Großer Preis")]
    assert len(pick["value"]) <= CHOICE_LIMIT and len(pick["name"]) <= CHOICE_LIMIT
    added = await admin(discord, "reminders add", {"channel": _general(discord), "release": pick["value"]})
    assert "Großer Preis der Straßen-Meisterschaft" in embed_text(added)

    [to_remove] = await discord.autocomplete("custom-release remove", {}, focused="name", permissions=ADMIN)
    assert len(to_remove["value"]) <= CHOICE_LIMIT
    removed = await admin(discord, "custom-release remove", {"name": to_remove["value"]})
    assert "removed" in removed["description"]
    assert discord.refused == []


async def test_the_sources_field_ends_with_a_whole_line_and_the_count_of_the_rest(discord: DiscordStandIn,
                                                                                  pitwall: PitwallBot) -> None:
    embed, _, _ = reply_of(await discord.invoke("podium", {"competition": "manufacturers-cup", "year": 2020}))
    sources = embed["fields"][-1]
    assert sources["name"] == "Sources" and len(sources["value"]) <= 1024
    *links, more = sources["value"].splitlines()
    assert all(line.startswith("[") and line.endswith(")") for line in links)  # no link cut in half
    cited = (await pitwall.core.questions.podium("manufacturers-cup", 2020)).sources
    assert len(cited) > len(links)
    assert more == f"…and {len(cited) - len(links)} more sources"


async def _fill_subscriptions(discord: DiscordStandIn, pitwall: PitwallBot, count: int) -> None:
    guild_id = next(iter(discord.world.guilds))
    roles = [discord.add_role(guild_id, f"Racers {i}", mentionable=True) for i in range(5)]
    await admin(discord, "custom-release add", {"name": LONG_NAME, "date": "2026-12-20"})
    [custom] = await pitwall.core.reminders.rows.custom_releases(guild_id)
    for i in range(count):
        options = {"channel": _general(discord), "offsets": "30d, 14d, 7d, 3d, 2d, 1d, 2h, 0", "role": roles[i % 5].id}
        if i % 2:
            options["release"] = custom.choice_value
        added = await admin(discord, "reminders add", options)
        assert added["title"] == "Reminder subscription added", added


def _ids_on(message: RecordedMessage) -> list[str]:
    return [line.split(" ")[0] for line in message.embeds[0]["description"].splitlines() if line.startswith("#")]


async def test_every_subscription_is_listed_over_pages_with_buttons(discord: DiscordStandIn,
                                                                    pitwall: PitwallBot) -> None:
    await _fill_subscriptions(discord, pitwall, MAX_SUBSCRIPTIONS_PER_GUILD)
    result = await discord.invoke("reminders list", {}, permissions=ADMIN)
    message = result.original
    assert message is not None and result.ephemeral
    assert message.embeds[0]["title"] == f"Reminder subscriptions ({MAX_SUBSCRIPTIONS_PER_GUILD})"
    seen = _ids_on(message)
    footer = message.embeds[0]["footer"]["text"]
    assert footer.startswith("Page 1 of ")
    pages = int(footer.split(" of ")[1].split(" ")[0])
    assert pages >= 2
    for page in range(2, pages + 1):
        await discord.click(message, label="Next ▶", permissions=ADMIN)
        assert message.embeds[0]["footer"]["text"].startswith(f"Page {page} of {pages}")
        seen += _ids_on(message)
    assert seen == [f"#{i}" for i in range(1, MAX_SUBSCRIPTIONS_PER_GUILD + 1)]  # all of them, in order, once
    next_button = next(c for row in message.components for c in row["components"] if c["label"] == "Next ▶")
    assert next_button.get("disabled") is True
    await discord.click(message, label="◀ Previous", permissions=ADMIN)
    assert message.embeds[0]["footer"]["text"].startswith(f"Page {pages - 1} of {pages}")


async def test_an_ephemeral_list_can_be_paged_only_by_the_admin_who_sees_it(discord: DiscordStandIn,
                                                                           pitwall: PitwallBot) -> None:
    await _fill_subscriptions(discord, pitwall, 30)
    result = await discord.invoke("reminders list", {}, permissions=ADMIN)
    assert result.original is not None and result.ephemeral
    with pytest.raises(ValueError, match="ephemeral"):  # nobody else even sees the buttons
        await discord.click(result.original, label="Next ▶", user=discord.add_user("other-admin"), permissions=ADMIN)


async def test_list_pages_are_admin_only_when_clicked_too(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    await _fill_subscriptions(discord, pitwall, 30)
    result = await discord.invoke("reminders list", {}, permissions=ADMIN)
    assert result.original is not None
    # The asker has lost Manage Server since: the click is checked again, like the command.
    click = await discord.click(result.original, label="Next ▶", permissions=DEFAULT_EVERYONE_PERMISSIONS)
    assert click.ephemeral and "Manage Server" in click.embeds[0]["description"]


async def test_every_custom_release_is_listed_over_pages(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    for i in range(MAX_CUSTOM_RELEASES_PER_GUILD):
        await admin(discord, "custom-release add", {"name": f"{LONG_NAME[:80]} {i:02d}", "date": "2027-01-10",
                                                    "platforms": "PS5, PS4, PC"})
    result = await discord.invoke("custom-release list", {}, permissions=ADMIN)
    message = result.original
    assert message is not None
    assert message.embeds[0]["title"] == f"This server's releases ({MAX_CUSTOM_RELEASES_PER_GUILD})"
    names = [line for line in message.embeds[0]["description"].splitlines() if line.startswith("**")]
    while not next(c for c in message.components[0]["components"] if c["label"] == "Next ▶").get("disabled"):
        await discord.click(message, label="Next ▶", permissions=ADMIN)
        names += [line for line in message.embeds[0]["description"].splitlines() if line.startswith("**")]
    assert len(names) == len(set(names)) == MAX_CUSTOM_RELEASES_PER_GUILD


def _described(node: dict[str, Any], path: str) -> list[str]:
    missing = [] if node.get("description") not in (None, "", "…") else [path]
    for option in node.get("options") or []:
        missing += _described(option, f"{path} {option['name']}")
    return missing


async def test_every_command_and_option_has_a_real_description(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    missing = [m for command in discord.synced_commands() for m in _described(command, "/" + command["name"])]
    assert missing == []


async def test_read_only_commands_work_wherever_a_member_is(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    synced = {c["name"]: c for c in discord.synced_commands()}
    for name in ("champion", "podium", "release", "releases", "about"):
        assert synced[name]["integration_types"] == [0, 1] and synced[name]["contexts"] == [0, 1, 2], name
    for name in ("reminders", "settings", "custom-release"):
        assert synced[name]["integration_types"] == [0] and synced[name]["contexts"] == [0], name

    in_a_group_dm = await discord.invoke("podium", {"competition": "nc", "year": 2021}, context="private_channel",
                                         installed="user")
    embed, ephemeral, _ = reply_of(in_a_group_dm)
    assert "Valerio Gallo" in embed["description"] and not ephemeral
    in_a_bot_dm = await discord.invoke("release", {"game": "gt7"}, context="bot_dm")
    assert "March 4, 2022" in reply_of(in_a_bot_dm)[0]["description"]
    with pytest.raises(ValueError, match="not offered"):  # Discord would not show it there
        await discord.invoke("reminders list", {}, context="private_channel", installed="user")


def _general(discord: DiscordStandIn) -> int:
    guild = discord.world.guild(next(iter(discord.world.guilds)))
    return next(iter(guild.channels))
