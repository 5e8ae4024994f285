"""Discord scheduled events end to end: `/settings discord-events` through the gateway, events made, updated,
cancelled and never duplicated in the Discord stand-in (its clock frozen at NOW, like the bot's)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.adapter.client import PitwallBot
from bot.clock import FixedClock
from bot.config import Settings
from tests.conftest import NOW, utc
from tests.discord_standin import (
    CREATE_EVENTS,
    DEFAULT_EVERYONE_PERMISSIONS,
    MANAGE_EVENTS,
    DiscordStandIn,
    Guild,
)
from tests.e2e import reply_of, running_pitwall, standin

MANAGE_GUILD = 1 << 5
ADMIN = DEFAULT_EVERYONE_PERMISSIONS | MANAGE_GUILD
EVENTS = CREATE_EVENTS | MANAGE_EVENTS
CANCELED = 4
# What the mini dataset has coming at NOW, to the day: the cancelled Round 3 is never made.
PLANNED = {"Online Showdown", "World Finals", "Future Racer — release (JP)"}


@dataclass
class World:
    discord: DiscordStandIn
    guild: Guild
    settings: Settings
    clock: FixedClock
    data: Path

    async def admin(self, options: dict[str, Any] | None = None) -> tuple[str, bool]:
        embed, ephemeral, _ = reply_of(await self.discord.invoke("settings discord-events", options or {},
                                                                 guild_id=self.guild.id, permissions=ADMIN))
        return embed.get("description", ""), ephemeral

    def events(self) -> dict[str, Any]:
        return {e.name: e for e in self.discord.scheduled_events(self.guild.id)}

    @contextlib.asynccontextmanager
    async def pitwall(self) -> AsyncIterator[PitwallBot]:
        """The bot on this world's database; yields once its start-up sync of scheduled events is done."""
        async with running_pitwall(self.discord, self.settings, self.clock) as bot:
            await asyncio.wait_for(bot.scheduled_events.synced_once.wait(), timeout=10)
            yield bot
            assert await bot.core.store.integrity_check() == "ok"

    def edit_events(self, old: str, new: str) -> None:
        path = self.data / "events.toml"
        text = path.read_text()
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new))

    def writes(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.discord.requests
                if "/scheduled-events" in r.path and r.method in ("POST", "PATCH", "DELETE")]


@pytest.fixture
async def world(make_settings: Callable[..., Settings], data_copy: Path, clock: FixedClock) -> AsyncIterator[World]:
    async with standin() as discord:
        discord.set_now(NOW)  # Discord refuses a start before its clock: the bot's and Discord's agree
        guild = discord.add_guild("Paddock")
        discord.add_channel(guild.id, "general")
        yield World(discord, guild, make_settings(data_copy), clock, data_copy)


async def until(predicate: Callable[[], bool]) -> None:
    async with asyncio.timeout(5):
        while not predicate():  # noqa: ASYNC110 - the effect is the bot's cache, updated by a gateway event
            await asyncio.sleep(0.01)


async def test_enabling_without_the_event_permissions_is_refused_and_makes_nothing(world: World) -> None:
    async with world.pitwall() as bot:
        text, ephemeral = await world.admin({"enabled": True})
        assert ephemeral and "Create Events and Manage Events" in text
        assert world.discord.scheduled_events(world.guild.id) == []
        assert not (await bot.core.store.discord_events.settings(world.guild.id)).enabled
        text, ephemeral = await world.admin()
        assert ephemeral and text.startswith("Off.")


async def test_enabling_makes_one_event_per_upcoming_item_with_its_place_and_times(world: World) -> None:
    world.discord.grant_bot_permissions(world.guild.id, EVENTS)
    async with world.pitwall() as bot:
        text, ephemeral = await world.admin({"enabled": True})
        assert ephemeral and "3 created, 0 updated" in text
        events = world.events()
        assert set(events) == PLANNED and len(world.discord.scheduled_events(world.guild.id)) == 3
        finals = events["World Finals"]
        assert finals.location == "Tokyo, Japan" and finals.entity_type == 3 and finals.privacy_level == 2
        assert (finals.start, finals.end) == (utc(2026, 12, 4, 15), utc(2026, 12, 6, 14, 59))  # all day in Tokyo
        assert finals.creator.id == world.discord.bot_user.id and finals.status == 1
        assert finals.description is not None and "times not announced; all day" in finals.description
        showdown = events["Online Showdown"]
        assert (showdown.location, showdown.start, showdown.end) == ("Online", utc(2026, 12, 1, 18),
                                                                     utc(2026, 12, 1, 20))
        # Nothing changed: a second sync sends nothing.
        before = world.writes()
        await bot.scheduled_events.sync_all()
        assert world.writes() == before
        text, _ = await world.admin()
        assert "On: 3 Discord events kept in sync" in text


async def test_a_date_change_updates_the_same_event_and_a_restart_duplicates_nothing(world: World) -> None:
    world.discord.grant_bot_permissions(world.guild.id, EVENTS)
    async with world.pitwall():
        await world.admin({"enabled": True})
    first = {name: e.id for name, e in world.events().items()}
    async with world.pitwall():  # a restart on unchanged data
        assert {name: e.id for name, e in world.events().items()} == first
    assert [w.split()[0] for w in world.writes()] == ["POST"] * 3

    world.edit_events('start = "2026-12-05"\nend = "2026-12-06"', 'start = "2026-12-12"\nend = "2026-12-13"')
    async with world.pitwall():  # the changed data is loaded at start-up, then synced
        events = world.events()
        assert {name: e.id for name, e in events.items()} == first
        assert events["World Finals"].start == utc(2026, 12, 11, 15)
        assert events["World Finals"].end == utc(2026, 12, 13, 14, 59)
        assert world.writes()[3:] == [f"PATCH /guilds/{world.guild.id}/scheduled-events/"
                                      f"{first['World Finals']}"]


async def test_a_reload_while_running_updates_and_cancels_the_same_events(world: World) -> None:
    world.discord.grant_bot_permissions(world.guild.id, EVENTS)
    async with world.pitwall() as bot:
        await world.admin({"enabled": True})
        first = {name: e.id for name, e in world.events().items()}
        world.edit_events('start = "2026-12-05"\nend = "2026-12-06"', 'start = "2026-12-12"\nend = "2026-12-13"')
        assert await bot.reload_dataset()  # what SIGHUP runs
        assert world.events()["World Finals"].start == utc(2026, 12, 11, 15)
        world.edit_events('zone = "Asia/Tokyo"\nstatus = "scheduled"', 'zone = "Asia/Tokyo"\nstatus = "cancelled"')
        assert await bot.reload_dataset()
        assert world.events()["World Finals"].status == CANCELED
        assert {name: e.id for name, e in world.events().items()} == first  # the same three, never a fourth


async def test_an_event_whose_day_is_no_longer_known_loses_its_discord_event(world: World) -> None:
    world.discord.grant_bot_permissions(world.guild.id, EVENTS)
    async with world.pitwall() as bot:
        await world.admin({"enabled": True})
        assert "World Finals" in world.events()
        world.edit_events('start = "2026-12-05"\nend = "2026-12-06"', 'start = "2026-12"')
        assert await bot.reload_dataset()
        assert "World Finals" not in world.events()  # no Discord event shows a day nobody announced


async def test_a_cancelled_event_cancels_its_discord_event(world: World) -> None:
    world.discord.grant_bot_permissions(world.guild.id, EVENTS)
    async with world.pitwall():
        await world.admin({"enabled": True})
    finals_id = world.events()["World Finals"].id
    world.edit_events('zone = "Asia/Tokyo"\nstatus = "scheduled"', 'zone = "Asia/Tokyo"\nstatus = "cancelled"')
    async with world.pitwall() as bot:
        finals = world.events()["World Finals"]
        assert finals.id == finals_id and finals.status == CANCELED
        assert len(world.discord.scheduled_events(world.guild.id)) == 3
        row = (await bot.core.store.discord_events.remembered(world.guild.id))["event:2026-world-finals"]
        assert row.state == "cancelled"
        before = world.writes()
        await bot.scheduled_events.sync_all()  # cancelled once; Discord takes no change after that
        assert world.writes() == before


async def test_revoked_permissions_pause_the_server_with_the_reason_shown_to_the_admin(world: World) -> None:
    world.discord.grant_bot_permissions(world.guild.id, EVENTS)
    async with world.pitwall() as bot:
        await world.admin({"enabled": True})
        world.discord.revoke_bot_permissions(world.guild.id, EVENTS)
        guild = bot.get_guild(world.guild.id)
        assert guild is not None
        await until(lambda: guild.me is not None and not guild.me.guild_permissions.create_events)
        report = await bot.scheduled_events.sync_guild(world.guild.id)
        assert report.paused == "missing-permissions"
        text, ephemeral = await world.admin()
        assert ephemeral and "Paused" in text and "Create Events" in text
        # Paused: later syncs do nothing until an admin turns it on again (which checks the permissions).
        assert (await bot.scheduled_events.sync_guild(world.guild.id)).skipped == "paused"
        text, _ = await world.admin({"enabled": True})
        assert "Create Events and Manage Events" in text


async def test_a_refusal_from_discord_itself_pauses_the_server(world: World) -> None:
    """The bot's cache still shows the permissions, but Discord refuses the create (403 50013)."""
    world.discord.grant_bot_permissions(world.guild.id, EVENTS)
    async with world.pitwall():
        guild = world.discord.world.guild(world.guild.id)
        for role in guild.roles.values():  # no gateway event: the bot does not know
            role.permissions &= ~EVENTS
        text, ephemeral = await world.admin({"enabled": True})
        assert ephemeral and "Paused" in text and "missing Create Events or Manage Events" in text
        assert world.discord.scheduled_events(world.guild.id) == []


async def test_discords_cap_of_100_events_pauses_the_server(world: World) -> None:
    world.discord.grant_bot_permissions(world.guild.id, EVENTS)
    for day in range(100):
        start = utc(2027, 1, 1) + day * (utc(2026, 1, 2) - utc(2026, 1, 1))
        world.discord.add_scheduled_event(world.guild.id, f"Members' race {day}", start=start,
                                          end=start + (utc(2026, 1, 1, 2) - utc(2026, 1, 1)),
                                          creator=world.discord.default_user)
    async with world.pitwall() as bot:
        text, _ = await world.admin({"enabled": True})
        assert "Paused" in text and "100 upcoming events" in text
        settings = await bot.core.store.discord_events.settings(world.guild.id)
        assert settings.paused == "cap-reached"


async def test_an_event_made_but_not_remembered_is_adopted_not_duplicated(world: World) -> None:
    """A crash between Discord's answer and the database write leaves an event with pitwall's marker."""
    world.discord.grant_bot_permissions(world.guild.id, EVENTS)
    orphan = world.discord.add_scheduled_event(world.guild.id, "World Finals (old)", start=utc(2026, 12, 4, 15),
                                               end=utc(2026, 12, 6, 14, 59), location="Tokyo",
                                               description="Old text\n\npitwall:event:2026-world-finals",
                                               creator=world.discord.bot_user)
    async with world.pitwall() as bot:
        text, _ = await world.admin({"enabled": True})
        assert "3 created" in text  # two made, one adopted
        events = world.events()
        assert set(events) == PLANNED and events["World Finals"].id == orphan.id
        assert events["World Finals"].location == "Tokyo, Japan"
        remembered = await bot.core.store.discord_events.remembered(world.guild.id)
        assert remembered["event:2026-world-finals"].discord_id == orphan.id


async def test_an_event_a_moderator_deleted_is_not_made_again(world: World) -> None:
    world.discord.grant_bot_permissions(world.guild.id, EVENTS)
    async with world.pitwall() as bot:
        await world.admin({"enabled": True})
        finals = world.events()["World Finals"]
        headers = {"Authorization": f"Bot {world.discord.token}"}
        async with aiohttp.ClientSession(headers=headers) as http:
            url = f"{world.discord.api_base}/guilds/{world.guild.id}/scheduled-events/{finals.id}"
            async with http.delete(url) as response:
                assert response.status == 204
        report = await bot.scheduled_events.sync_guild(world.guild.id)
        assert (report.created, report.dismissed) == (0, 1)
        assert set(world.events()) == PLANNED - {"World Finals"}
        assert (await bot.scheduled_events.sync_guild(world.guild.id)).created == 0


async def test_turning_it_off_removes_the_events_pitwall_made(world: World) -> None:
    world.discord.grant_bot_permissions(world.guild.id, EVENTS)
    members = world.discord.add_scheduled_event(world.guild.id, "Members' meet", start=utc(2026, 12, 20),
                                                end=utc(2026, 12, 20, 2), creator=world.discord.default_user)
    async with world.pitwall() as bot:
        await world.admin({"enabled": True})
        text, ephemeral = await world.admin({"enabled": False})
        assert ephemeral and "Off" in text and "3 removed" in text
        assert [e.id for e in world.discord.scheduled_events(world.guild.id)] == [members.id]  # theirs stays
        assert await bot.core.store.discord_events.remembered(world.guild.id) == {}
        assert (await bot.scheduled_events.sync_guild(world.guild.id)).skipped == "disabled"


async def test_an_item_gone_from_the_data_takes_its_discord_event_with_it(world: World) -> None:
    world.discord.grant_bot_permissions(world.guild.id, EVENTS)
    async with world.pitwall():
        await world.admin({"enabled": True})
    releases = world.data / "releases.toml"
    text = releases.read_text()
    gone = '[[game.release]]\ndate = "2026-12-10"\nplatforms = ["PS5"]\nregion = "JP"\nsources = ["test-press"]\n'
    assert text.count(gone) == 1
    releases.write_text(text.replace(gone, ""))
    async with world.pitwall() as bot:
        assert set(world.events()) == PLANNED - {"Future Racer — release (JP)"}
        assert "future-racer:jp" not in await bot.core.store.discord_events.remembered(world.guild.id)


async def test_a_french_servers_events_are_in_french_and_follow_its_language_setting(world: World) -> None:
    paris = dataclasses.replace(world, guild=world.discord.add_guild("Paris", locale="fr"))
    world.discord.add_channel(paris.guild.id, "général")
    world.discord.grant_bot_permissions(paris.guild.id, EVENTS)
    async with paris.pitwall():
        await paris.admin({"enabled": True})
        finals = paris.events()["World Finals"]
        assert finals.location == "Tokyo, Japon"
        assert finals.description is not None and "horaires non annoncés" in finals.description
        first_id = finals.id
        reply_of(await world.discord.invoke("settings language", {"language": "es"}, locale="fr",
                                                          guild_id=paris.guild.id, permissions=ADMIN))
        finals = paris.events()["World Finals"]
        assert finals.id == first_id  # the same event, its text updated
        assert finals.location == "Tokyo, Japón"  # the city as the data names it; the country in Spanish
        assert finals.description is not None and "horario sin anunciar" in finals.description


async def test_a_server_following_its_discord_language_gets_its_events_rewritten_when_that_changes(
        world: World) -> None:
    world.discord.grant_bot_permissions(world.guild.id, EVENTS)
    async with world.pitwall() as bot:
        await world.admin({"enabled": True})
        assert world.events()["World Finals"].location == "Tokyo, Japan"
        first_id = world.events()["World Finals"].id
        world.discord.set_guild_locale(world.guild.id, "fr")  # no /settings language: it follows Discord's
        await until(lambda: world.events()["World Finals"].location == "Tokyo, Japon")
        assert world.events()["World Finals"].id == first_id
        assert (await bot.core.reminders.rows.settings(world.guild.id)).post_locale == "fr"
