"""Reminders end to end: admin commands through the gateway, posts into channels of the Discord stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from bot.adapter.client import PitwallBot
from bot.clock import FixedClock
from bot.config import Settings
from tests.conftest import REAL_DATA, utc
from tests.discord_standin import (
    DEFAULT_EVERYONE_PERMISSIONS,
    SEND_MESSAGES,
    Channel,
    DiscordStandIn,
    Guild,
    PermissionOverwrite,
    Role,
)
from tests.e2e import embed_text, reply_of, run_until, running_pitwall, standin

MANAGE_GUILD = 1 << 5
ADMIN = DEFAULT_EVERYONE_PERMISSIONS | MANAGE_GUILD


@dataclass
class World:
    discord: DiscordStandIn
    bot: PitwallBot
    clock: FixedClock
    guild: Guild
    announcements: Channel
    locked: Channel
    racers: Role
    hidden_role: Role

    async def admin(self, command: str, options: dict[str, Any] | None = None) -> tuple[dict[str, Any], bool]:
        embed, ephemeral, _ = reply_of(await self.discord.invoke(command, options or {}, permissions=ADMIN))
        return embed, ephemeral

    async def run_until(self, instant: datetime) -> None:
        await run_until(self.bot, self.clock, instant)


@pytest.fixture
async def world(make_settings: Callable[..., Settings], clock: FixedClock) -> AsyncIterator[World]:
    async with standin() as discord:
        guild = discord.add_guild("Paddock")
        announcements = discord.add_channel(guild.id, "announcements")
        locked = discord.add_channel(guild.id, "locked", overwrites=[
            PermissionOverwrite(id=guild.id, type=0, deny=SEND_MESSAGES)])
        racers = discord.add_role(guild.id, "Racers", mentionable=True)
        hidden = discord.add_role(guild.id, "Quiet", mentionable=False)
        async with running_pitwall(discord, make_settings(REAL_DATA), clock) as bot:
            yield World(discord, bot, clock, guild, announcements, locked, racers, hidden)
            assert await bot.core.store.integrity_check() == "ok"


async def eventually(read: Callable[[], Awaitable[object]], expected: object) -> None:
    """Gateway events are handled in their own tasks: wait (at most 5 s) for their effect."""
    async with asyncio.timeout(5):
        while await read() != expected:  # noqa: ASYNC110 - the effect is a database row, not an event
            await asyncio.sleep(0.01)


async def test_a_subscribed_channel_gets_each_reminder_on_time_pinging_only_its_role(world: World) -> None:
    embed, private = await world.admin("custom-release add", {"name": "Cup final", "date": "2026-12-20",
                                                              "time": "20:00", "platforms": "PS5"})
    assert private and "Cup final" in embed_text(embed)
    embed, private = await world.admin("reminders add", {"channel": world.announcements.id, "release": "cup final",
                                                         "offsets": "1d, 0", "role": world.racers.id})
    assert private and "Subscription #1" in embed_text(embed)
    await world.run_until(utc(2026, 12, 19, 19, 59))
    assert world.discord.messages(world.announcements.id) == []
    await world.run_until(utc(2026, 12, 19, 20))
    [message] = world.discord.messages(world.announcements.id)
    assert message.content == f"<@&{world.racers.id}>"
    assert message.allowed_mentions == {"parse": [], "roles": [world.racers.id]}
    assert message.embeds[0]["title"] == "Cup final — tomorrow"
    assert world.bot.dispatcher is not None
    assert message.payload["nonce"] == f"{world.bot.dispatcher.install}1g0" and message.payload["enforce_nonce"] is True
    await world.run_until(utc(2026, 12, 20, 20))
    assert [m.embeds[0]["title"] for m in world.discord.messages(world.announcements.id)] == [
        "Cup final — tomorrow", "Cup final — out now!"]


async def test_the_release_picked_from_autocomplete_is_the_one_subscribed(world: World) -> None:
    await world.admin("custom-release add", {"name": "Cup final", "date": "2026-12-20"})
    options = {"channel": world.announcements.id, "release": "cup"}
    choices = await world.discord.autocomplete("reminders add", options, focused="release", permissions=ADMIN)
    picked = next(c for c in choices if c["name"] == "Cup final")
    embed, private = await world.admin("reminders add", {"channel": world.announcements.id,
                                                         "release": picked["value"], "offsets": "0"})
    assert private and "**Cup final**" in embed["description"]
    # A member without Manage Server learns nothing about the server's own releases from autocomplete.
    assert await world.discord.autocomplete("reminders add", options, focused="release",
                                            permissions=DEFAULT_EVERYONE_PERMISSIONS) == []


async def test_members_without_manage_server_are_refused_even_if_discord_shows_them_the_command(
    world: World
) -> None:
    result = await world.discord.invoke("reminders list", {}, permissions=DEFAULT_EVERYONE_PERMISSIONS)
    embed, ephemeral, _ = reply_of(result)
    assert ephemeral and "You need the Manage Server permission" in embed["description"]


async def test_a_channel_the_bot_cannot_post_in_is_refused_with_what_is_missing(world: World) -> None:
    embed, private = await world.admin("reminders add", {"channel": world.locked.id})
    assert private and "I am missing Send Messages" in embed["description"]
    assert await world.bot.core.store.reminders.subscriptions(world.guild.id) == []


async def test_a_role_the_bot_cannot_ping_is_refused(world: World) -> None:
    embed, private = await world.admin("reminders add", {"channel": world.announcements.id,
                                                         "role": world.hidden_role.id})
    assert private and "make the role mentionable" in embed["description"]


async def test_malformed_offsets_get_the_rule(world: World) -> None:
    embed, private = await world.admin("reminders add", {"channel": world.announcements.id, "offsets": "soon"})
    assert private and "e.g. `7d, 1d, 2h, 0`" in embed["description"]


@pytest.mark.parametrize(("fault", "reason"), [
    ("missing_permissions", "I am missing permissions to post there"),
    ("missing_access", "I can no longer see that channel"),
    ("unknown_channel", "the channel no longer exists"),
])
async def test_discord_refusing_the_channel_pauses_the_subscription_with_the_reason(
    world: World, fault: str, reason: str
) -> None:
    await world.admin("custom-release add", {"name": "Cup final", "date": "2026-12-20"})
    await world.admin("reminders add", {"channel": world.announcements.id, "release": "cup final", "offsets": "0"})
    world.discord.fail_channel(world.announcements.id, fault)
    await world.run_until(utc(2026, 12, 20, 9))
    listing, _ = await world.admin("reminders list")
    assert f"paused: {reason}" in listing["description"]
    world.discord.clear_channel_fault(world.announcements.id)
    await world.admin("reminders resume", {"id": 1})
    await world.run_until(utc(2026, 12, 20, 9, 1))
    [message] = world.discord.messages(world.announcements.id)
    assert message.embeds[0]["title"] == "Cup final — release day!"


async def test_timezone_setting_autocompletes_and_refuses_unknown_zones(world: World) -> None:
    choices = await world.discord.autocomplete("settings timezone", {"zone": "paris"}, focused="zone",
                                               permissions=ADMIN)
    assert {"name": "Europe/Paris", "value": "Europe/Paris"} in choices
    embed, _ = await world.admin("settings timezone", {"zone": "Europe/Paris", "reminder_time": "08:30"})
    assert "Europe/Paris" in embed["description"] and "08:30" in embed["description"]
    embed, _ = await world.admin("settings timezone", {"zone": "Mars/Olympus"})
    assert "is not a time zone I know" in embed["description"]


async def test_a_deleted_channel_and_a_left_server_take_their_subscriptions_with_them(world: World) -> None:
    await world.admin("reminders add", {"channel": world.announcements.id})
    rows = world.bot.core.store.reminders
    await world.discord.dispatch("CHANNEL_DELETE", world.announcements.to_payload())
    await eventually(lambda: rows.subscriptions(world.guild.id), [])
    await world.admin("custom-release add", {"name": "Cup final", "date": "2026-12-20"})
    await world.admin("settings timezone", {"zone": "Asia/Tokyo"})
    await world.discord.dispatch("GUILD_DELETE", {"id": str(world.guild.id)})
    await eventually(lambda: rows.custom_releases(world.guild.id), [])
    assert (await rows.settings(world.guild.id)).timezone == "UTC"


async def test_an_admin_cannot_send_reminders_where_they_may_not_post_themselves(world: World) -> None:
    guild_id = world.guild.id
    muted = world.discord.add_channel(guild_id, "announcements-readonly", overwrites=[
        PermissionOverwrite(id=world.discord.default_user.id, type=1, deny=SEND_MESSAGES)])
    embed, private = await world.admin("reminders add", {"channel": muted.id})
    assert private and "You cannot post in" in embed["description"]
    assert await world.bot.core.reminders.statuses(guild_id) == []


async def test_admin_text_in_a_public_post_cannot_format_link_or_ping(world: World) -> None:
    hostile = "**Cup** [final](https://evil.example) @everyone <@&1> \u202Eexe"
    await world.admin("custom-release add", {"name": hostile, "date": "2026-12-20", "time": "20:00",
                                             "platforms": "[PS5](https://evil.example), @here, \u202EPC"})
    await world.admin("reminders add", {"channel": world.announcements.id, "offsets": "0"})
    await world.run_until(utc(2026, 12, 20, 20))
    [message] = world.discord.messages(world.announcements.id)
    embed = message.embeds[0]
    shown = embed["title"] + "\n" + embed["description"]
    assert "https://" not in shown and "](" not in shown.replace("\\](", "")
    assert "\u202E" not in shown and "<@" not in shown and "@everyone" not in shown and "@here" not in shown
    assert "\\*\\*Cup\\*\\*" in embed["title"]  # shown as typed, not bold
    assert "PS5" in embed["description"] and "PC" in embed["description"]
    assert message.allowed_mentions == {"parse": []}
