"""Self-tests: login, READY, command sync and the normal interaction flows."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest

from tests.discord_standin import InteractionTimeout
from tests.discord_standin.sample_bot import SampleEnv, running_sample

Env = SampleEnv


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    async with running_sample(heartbeat_interval=0.5) as running:
        yield running


async def test_login_ready_and_sync_recorded(env: Env) -> None:
    s = env.standin
    assert s.identify_count == 1
    assert s.sync_count == 1
    names = sorted(c["name"] for c in s.synced_commands())
    assert names == ["announce", "champion", "podium", "reminders", "report", "secret", "slowpoke", "standings"]
    assert all(c["id"].isdigit() and c["application_id"] == str(s.application_id) for c in s.synced_commands())
    routes = [r.route for r in s.requests]
    assert "GET /users/@me" in routes
    assert "GET /oauth2/applications/@me" in routes
    assert "PUT /applications/{application_id}/commands" in routes
    assert s.unexpected_requests == []
    # The client negotiated a compressed gateway and got its guild.
    assert s.gateway.connections[0].compression in ("zlib-stream", "zstd-stream")
    await env.rec.ready.wait()
    guild = env.bot.get_guild(env.guild_id)
    assert guild is not None and guild.name == "Paddock"
    general = guild.get_channel(env.general_id)
    assert isinstance(general, discord.TextChannel) and general.topic == "chat"
    assert guild.get_role(env.guild_id) is not None  # @everyone
    locked = guild.get_channel(env.locked_id)
    assert isinstance(locked, discord.TextChannel)
    assert not locked.permissions_for(guild.me).send_messages
    assert general.permissions_for(guild.me).send_messages


async def test_second_start_does_not_create_new_ids(env: Env) -> None:
    before = {c["name"]: c["id"] for c in env.standin.synced_commands()}
    await env.bot.tree.sync()
    after = {c["name"]: c["id"] for c in env.standin.synced_commands()}
    assert env.standin.sync_count == 2
    assert before == after  # bulk overwrite keeps ids of unchanged names


async def test_reply(env: Env) -> None:
    res = await env.standin.invoke("champion", {"year": 2021}, locale="de")
    assert res.callback_type == 4
    assert res.content == "2021 champion: Max Verstappen"
    assert not res.ephemeral and not res.deferred
    assert res.allowed_mentions == {"parse": []}
    assert res.latency is not None and 0 <= res.latency < 1


async def test_defer_then_followup(env: Env) -> None:
    res = await env.standin.invoke("standings")
    assert res.deferred and res.callback_type == 5
    assert not res.loading
    assert res.content == "P1 VER 395"
    assert res.embeds[0]["title"] == "Standings"
    assert len(res.followups) == 1


async def test_ephemeral_flag(env: Env) -> None:
    res = await env.standin.invoke("secret")
    assert res.ephemeral
    assert res.flags & 64 == 64


async def test_autocomplete(env: Env) -> None:
    choices = await env.standin.autocomplete("podium", {"competition": "nat"}, focused="competition")
    assert choices == [
        {"name": "National", "value": "national"},
        {"name": "Nations Cup", "value": "nations cup"},
    ]
    res = await env.standin.invoke("podium", {"competition": "national", "top": 5})
    assert res.content == "podium national top 5"


async def test_subcommands_and_groups(env: Env) -> None:
    res = await env.standin.invoke("reminders add", {"minutes": 15, "note": "quali"})
    assert res.content == "reminder in 15 min quali"
    res = await env.standin.invoke("reminders race list", {"channel": env.general_id})
    assert res.content == "no race reminders in general"
    with pytest.raises(KeyError):
        await env.standin.invoke("reminders nope", {})


async def test_channel_message_with_nonce_is_deduplicated(env: Env) -> None:
    first = await env.standin.invoke("announce", {"text": "lights out", "nonce": "abc"})
    assert first.ephemeral and first.content.startswith("posted ")
    second = await env.standin.invoke("announce", {"text": "lights out", "nonce": "abc"})
    msgs = env.standin.messages(env.general_id)
    assert len(msgs) == 1
    assert msgs[0].content == "lights out" and msgs[0].nonce == "abc"
    assert msgs[0].payload.get("enforce_nonce") is True
    assert first.content == second.content  # discord.py got the first message back
    third = await env.standin.invoke("announce", {"text": "lights out", "nonce": "other"})
    assert third.content != first.content
    assert len(env.standin.messages(env.general_id)) == 2


async def test_permission_overwrite_denies_send(env: Env) -> None:
    res = await env.standin.invoke("announce", {"text": "hi"}, channel_id=env.locked_id)
    assert res.content == "failed: 403 50013"
    assert isinstance(env.rec.errors[-1], discord.Forbidden)


async def test_unknown_route_is_recorded(env: Env) -> None:
    with pytest.raises(discord.NotFound) as info:
        await env.bot.http.request(discord.http.Route("GET", "/nope/{x}", x=1))
    assert info.value.code == 0
    assert [r.path for r in env.standin.unexpected_requests] == ["/nope/1"]


async def test_ephemeral_defer_edit_and_file_followup(env: Env) -> None:
    res = await env.standin.invoke("report")
    assert res.deferred and res.ephemeral
    assert res.content == "report ready"
    followups = await res.wait_followups(1)
    assert followups[0].content == "raw data"
    assert followups[0].attachments == ["laps.csv"]
    assert followups[0].ephemeral is False


async def test_guild_added_after_ready_is_dispatched(env: Env) -> None:
    guild = env.standin.add_guild("Late Guild")
    env.standin.add_channel(guild.id, "late-chat")
    for _ in range(100):
        g = env.bot.get_guild(guild.id)
        if g is not None and g.text_channels:
            break
        await asyncio.sleep(0.01)
    g = env.bot.get_guild(guild.id)
    assert g is not None and [c.name for c in g.text_channels] == ["late-chat"]


async def test_unanswered_interaction_times_out(env: Env) -> None:
    with pytest.raises(InteractionTimeout):  # slowpoke answers after 0.3 s
        await env.standin.invoke("slowpoke", timeout=0.1)
