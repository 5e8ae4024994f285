"""Self-test of the stand-in's gateway sharding, through discord.py's own ``AutoShardedClient`` and as raw
websocket frames: each shard gets the guilds of Discord's formula and only their events, DMs go to shard 0,
``/gateway/bot`` recommends the shard count, an invalid shard is closed with 4010, RESUME finds the shard's
session again, and messages posted with an issued token say so."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.discord_standin import DiscordStandIn, Guild, ShardSession, shard_of
from tests.discord_standin.harness import point_discord_py_at

JSON = dict[str, Any]


class ShardedBot(discord.AutoShardedClient):
    """discord.py's sharded client with one command, ``/where``, and a log of what reached it."""

    def __init__(self, name: str, *, token: str | None = None, sync: bool = False, **options: Any) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05, **options)
        self.name, self.login_token, self.sync = name, token, sync
        self.ready = asyncio.Event()
        self.interaction_guilds: list[int | None] = []
        self.guild_updates: list[int] = []
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="where", description="Which client and shard answered")
        async def where(interaction: discord.Interaction) -> None:
            shard = interaction.guild.shard_id if interaction.guild is not None else None
            await interaction.response.send_message(f"{self.name} shard {shard}")

    async def setup_hook(self) -> None:
        if self.sync:
            await self.tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None  # discord.py waits 5 s between IDENTIFYs for Discord's rate limit; the stand-in has none

    async def on_ready(self) -> None:
        self.ready.set()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.interaction_guilds.append(interaction.guild_id)

    async def on_guild_update(self, before: discord.Guild, after: discord.Guild) -> None:
        self.guild_updates.append(after.id)


@contextlib.asynccontextmanager
async def started(standin: DiscordStandIn, *bots: ShardedBot) -> AsyncIterator[None]:
    """Start ``bots`` (each with its own token, default the main one) and yield once every one fired on_ready,
    i.e. all its shards got READY and their guilds; re-raise a bot's start-up error."""
    previous = point_discord_py_at(standin.api_base, standin.gateway_url)
    tasks = [asyncio.create_task(b.start(b.login_token or standin.token)) for b in bots]
    try:
        ready: asyncio.Future[Any] = asyncio.ensure_future(asyncio.gather(*(b.ready.wait() for b in bots)))
        pending: set[asyncio.Future[Any]] = {ready, *tasks}
        done, _ = await asyncio.wait(pending, timeout=15, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ready  # retrieved, so asyncio does not log it as never retrieved
            for task in done:
                task.result()
            raise TimeoutError("the sharded clients did not get ready")
        yield
    finally:
        for bot in bots:
            await bot.close()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, timeout=5)
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = previous


def guilds_on_shards(standin: DiscordStandIn, count: int, per_shard: int = 2) -> dict[int, list[Guild]]:
    """``per_shard`` guilds (each with a #general) on every one of ``count`` shards."""
    out: dict[int, list[Guild]] = {}
    for shard in range(count):
        for n in range(per_shard):
            guild = standin.add_guild(f"Shard {shard} #{n}", guild_id=standin.guild_id_on_shard(shard, count))
            standin.add_channel(guild.id, "general")
            out.setdefault(shard, []).append(guild)
    return out


async def until(predicate: Any, what: str) -> None:
    """Poll ``predicate`` for up to 5 s (what the clients receive arrives asynchronously)."""
    for _ in range(500):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no {what} within 5 s")


def ids(guilds: list[Guild]) -> set[int]:
    return {g.id for g in guilds}


# ---- discord.py's AutoShardedClient ---------------------------------------------------------------------------
async def test_one_client_runs_both_shards_and_each_guild_is_on_its_shard() -> None:
    async with DiscordStandIn(heartbeat_interval=0.5) as s:
        world = guilds_on_shards(s, 2)
        bot = ShardedBot("solo", shard_count=2, sync=True)
        async with started(s, bot):
            await s.wait_ready(shards=2, timeout=5)
            assert s.sessions() == [ShardSession(0, 2, "main"), ShardSession(1, 2, "main")]
            assert {g.id for g in bot.guilds} == ids(world[0]) | ids(world[1])
            assert {g.id: g.shard_id for g in bot.guilds} == {g.id: shard for shard, gs in world.items() for g in gs}
            # Answered through the websocket of the guild's shard; a guild added later arrives on its shard.
            assert (await s.invoke("where", guild_id=world[1][0].id)).content == "solo shard 1"
            assert (await s.invoke("where", guild_id=world[0][0].id)).content == "solo shard 0"
            late = s.add_guild("Late", guild_id=s.guild_id_on_shard(1, 2))
            await until(lambda: bot.get_guild(late.id) is not None, "GUILD_CREATE of the late guild")
            found = bot.get_guild(late.id)
            assert found is not None and found.shard_id == 1


async def test_two_clients_one_shard_each_get_only_their_guilds_and_events() -> None:
    async with DiscordStandIn(heartbeat_interval=0.5) as s:
        world = guilds_on_shards(s, 2)
        first = ShardedBot("first", shard_count=2, shard_ids=[0], sync=True)
        second = ShardedBot("second", shard_count=2, shard_ids=[1], token=s.issue_token("second"))
        async with started(s, first, second):
            assert s.sessions() == [ShardSession(0, 2, "main"), ShardSession(1, 2, "second")]
            assert {g.id for g in first.guilds} == ids(world[0])
            assert {g.id for g in second.guilds} == ids(world[1])

            g0, g1 = world[0][0], world[1][0]
            assert (await s.invoke("where", guild_id=g1.id)).content == "second shard 1"
            assert (await s.invoke("where", guild_id=g0.id)).content == "first shard 0"
            assert (await s.invoke("where", dm=True)).content == "first shard None"  # DMs: shard 0
            assert first.interaction_guilds == [g0.id, None]
            assert second.interaction_guilds == [g1.id]

            # The owner's GUILD_UPDATE first, then one for the other shard: a socket keeps the order, so once
            # each client has the second it would already have had the first, had it been sent to it.
            s.set_guild_locale(g1.id, "fr")
            s.set_guild_locale(g0.id, "de")
            await until(lambda: first.guild_updates and second.guild_updates, "both GUILD_UPDATEs")
            assert first.guild_updates == [g0.id] and second.guild_updates == [g1.id]


async def test_messages_say_which_token_posted_them() -> None:
    async with DiscordStandIn(heartbeat_interval=0.5) as s:
        world = guilds_on_shards(s, 2, per_shard=1)
        first = ShardedBot("first", shard_count=2, shard_ids=[0])
        second = ShardedBot("second", shard_count=2, shard_ids=[1], token=s.issue_token("process-2"))
        async with started(s, first, second):
            for bot, guild in ((first, world[0][0]), (second, world[1][0])):
                found = bot.get_guild(guild.id)
                assert found is not None
                await found.text_channels[0].send(f"hello from {bot.name}")
        posts = {guild.id: s.messages(next(iter(guild.channels))) for guild in (world[0][0], world[1][0])}
        assert [(m.content, m.posted_by) for m in posts[world[0][0].id]] == [("hello from first", "main")]
        assert [(m.content, m.posted_by) for m in posts[world[1][0].id]] == [("hello from second", "process-2")]
        labels = {r.token_label for r in s.requests_to("POST /channels/*/messages")}
        assert labels == {"main", "process-2"}
        # A client that closed (code 1000) ended its session, as on Discord.
        await until(lambda: s.sessions(connected=False) == [], "sessions ended by the clients' close")


async def test_recommended_shard_count_is_used_when_the_client_names_none() -> None:
    async with DiscordStandIn(heartbeat_interval=0.5, recommended_shards=3) as s:
        world = guilds_on_shards(s, 3, per_shard=1)
        bot = ShardedBot("auto")
        async with started(s, bot):
            assert bot.shard_count == 3
            assert [(x.shard_id, x.shard_count) for x in s.sessions()] == [(0, 3), (1, 3), (2, 3)]
            assert {g.id: g.shard_id for g in bot.guilds} == {gs[0].id: shard for shard, gs in world.items()}
            s.recommended_shards = 2
            shards, _, _ = await bot.http.get_bot_gateway()
            assert shards == 2


async def test_an_invalid_shard_is_closed_with_4010() -> None:
    async with DiscordStandIn(heartbeat_interval=0.5) as s:
        guilds_on_shards(s, 2, per_shard=1)
        bot = ShardedBot("off-by-one", shard_count=2, shard_ids=[2])
        with pytest.raises(discord.ConnectionClosed) as info:
            async with started(s, bot):
                pass
        assert info.value.code == 4010
        assert s.identify_count == 0 and s.sessions(connected=False) == []


async def test_resume_reattaches_each_shard_to_its_own_session() -> None:
    async with DiscordStandIn(heartbeat_interval=0.5) as s:
        world = guilds_on_shards(s, 2, per_shard=1)
        bot = ShardedBot("solo", shard_count=2, sync=True)
        async with started(s, bot):
            before = {sess.shard: sess.session_id for sess in s.gateway.live()}
            await s.drop_gateway(shard_id=1)
            await s.wait_connected(min_resumes=1, shards=2)
            await s.drop_gateway(code=None)  # both shards, abruptly
            await s.wait_connected(min_resumes=3, shards=2)
            assert s.identify_count == 2 and s.resume_count == 3
            assert {sess.shard: sess.session_id for sess in s.gateway.live()} == before
            assert (await s.invoke("where", guild_id=world[1][0].id)).content == "solo shard 1"
            assert (await s.invoke("where", guild_id=world[0][0].id)).content == "solo shard 0"


# ---- raw gateway frames ---------------------------------------------------------------------------------------
@contextlib.asynccontextmanager
async def raw_gateway(s: DiscordStandIn) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """A plain-text gateway connection whose HELLO was read."""
    async with aiohttp.ClientSession() as http, http.ws_connect(s.gateway_url + "?v=10&encoding=json") as ws:
        assert (await ws.receive_json(timeout=2))["op"] == 10
        yield ws


async def identify(ws: aiohttp.ClientWebSocketResponse, token: str, shard: Any = None) -> tuple[JSON, set[int]]:
    """IDENTIFY (with ``shard`` unless None); READY's data and the ids of the GUILD_CREATEs after it."""
    d: JSON = {"token": token, "intents": 1, "properties": {}}
    if shard is not None:
        d["shard"] = shard
    await ws.send_json({"op": 2, "d": d})
    ready = await ws.receive_json(timeout=2)
    assert ready["t"] == "READY"
    creates = [await ws.receive_json(timeout=2) for _ in ready["d"]["guilds"]]
    assert {c["t"] for c in creates} <= {"GUILD_CREATE"}
    return ready["d"], {int(c["d"]["id"]) for c in creates}


async def test_ready_lists_only_the_shards_guilds_and_dms_go_to_shard_0() -> None:
    async with DiscordStandIn(heartbeat_interval=30) as s:
        world = guilds_on_shards(s, 2)
        async with raw_gateway(s) as zero, raw_gateway(s) as one, raw_gateway(s) as whole:
            ready0, created0 = await identify(zero, s.token, [0, 2])
            ready1, created1 = await identify(one, s.issue_token("other"), [1, 2])
            ready, created = await identify(whole, s.token)
            assert ready0["shard"] == [0, 2] and ready1["shard"] == [1, 2] and "shard" not in ready
            assert {int(g["id"]) for g in ready0["guilds"]} == created0 == ids(world[0])
            assert {int(g["id"]) for g in ready1["guilds"]} == created1 == ids(world[1])
            assert created == ids(world[0]) | ids(world[1])  # no shard: [0, 1], every guild
            await s.wait_ready(shards=2, timeout=1)  # (0, 2) and (1, 2); the unsharded one is (0, 1)
            await s.wait_ready(shards=3, timeout=1)

            # A DM (no guild) reaches shard 0 only; then a marker for shard 1's guild.
            await s.dispatch("MESSAGE_CREATE", {"id": "1", "channel_id": "2", "content": "dm"})
            await s.dispatch("TYPING_START", {"channel_id": "3", "guild_id": str(world[1][0].id)})
            assert (await zero.receive_json(timeout=2))["t"] == "MESSAGE_CREATE"
            assert (await one.receive_json(timeout=2))["t"] == "TYPING_START"
            assert [(await whole.receive_json(timeout=2))["t"] for _ in range(2)] == ["MESSAGE_CREATE",
                                                                                   "TYPING_START"]


async def test_a_second_session_for_a_shard_is_accepted_and_both_get_its_events() -> None:
    async with DiscordStandIn(heartbeat_interval=30) as s:
        world = guilds_on_shards(s, 2, per_shard=1)
        async with raw_gateway(s) as old, raw_gateway(s) as new:
            await identify(old, s.token, [1, 2])
            await identify(new, s.issue_token("new"), [1, 2])
            assert s.sessions() == [ShardSession(1, 2, "main"), ShardSession(1, 2, "new")]
            s.set_guild_locale(world[1][0].id, "it")
            for ws in (old, new):
                event = await ws.receive_json(timeout=2)
                assert (event["t"], event["d"]["preferred_locale"]) == ("GUILD_UPDATE", "it")
            assert not old.closed


@pytest.mark.parametrize("shard", [[2, 2], [0, 0], [-1, 2], [0], [0, 1, 2], ["0", "2"], [True, 2], "0,2"])
async def test_raw_identify_with_an_invalid_shard_is_closed_with_4010(shard: Any) -> None:
    async with DiscordStandIn(heartbeat_interval=30) as s, raw_gateway(s) as ws:
        await ws.send_json({"op": 2, "d": {"token": s.token, "intents": 1, "properties": {}, "shard": shard}})
        msg = await ws.receive(timeout=2)
        assert (msg.type, msg.data) == (aiohttp.WSMsgType.CLOSE, 4010)
        assert s.identify_count == 0


async def test_an_issued_token_is_the_bots_everywhere_and_labels_are_unique() -> None:
    async with DiscordStandIn(heartbeat_interval=30) as s:
        token = s.issue_token("worker")
        with pytest.raises(ValueError, match="taken"):
            s.issue_token("worker")
        async with aiohttp.ClientSession() as http:
            for auth, status in ((f"Bot {token}", 200), (f"Bot {s.token}", 200), ("Bot nope", 401), (token, 401)):
                async with http.get(s.api_base + "/users/@me", headers={"Authorization": auth}) as resp:
                    assert resp.status == status, auth
                    if status == 200:
                        assert (await resp.json())["id"] == str(s.bot_user.id)
        assert [r.token_label for r in s.requests_to("GET /users/@me")] == ["worker", "main", None, None]
        async with raw_gateway(s) as ws:
            ready, _ = await identify(ws, token)
            assert ready["user"]["id"] == str(s.bot_user.id)
            assert s.sessions() == [ShardSession(0, 1, "worker")]


def test_guild_ids_for_a_shard_follow_discords_formula() -> None:
    s = DiscordStandIn()
    for count in (1, 2, 5):
        for shard in range(count):
            assert shard_of(s.guild_id_on_shard(shard, count), count) == shard
    with pytest.raises(ValueError):
        s.guild_id_on_shard(2, 2)
