"""Self-tests: Discord's limits and faults as seen by an unmodified discord.py client."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import discord
import pytest

from tests.discord_standin.sample_bot import SampleEnv, running_sample

Env = SampleEnv


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    async with running_sample(heartbeat_interval=0.25, interaction_deadline=0.2) as running:
        yield running


def _channel(env: Env) -> discord.TextChannel:
    ch = env.bot.get_channel(env.general_id)
    assert isinstance(ch, discord.TextChannel)
    return ch


async def test_rate_limit_headers_present(env: Env) -> None:
    await _channel(env).send("hello")
    req = env.standin.requests_to("POST /channels/*/messages")[-1]
    assert req.status == 200
    # discord.py learned the bucket hash from X-RateLimit-Bucket.
    assert "POST /channels/{channel_id}/messages" in env.bot.http._bucket_hashes


async def test_429_is_honoured_and_counted(env: Env) -> None:
    env.standin.rate_limit_next("POST /channels/*/messages", retry_after=0.2)
    t0 = time.monotonic()
    msg = await _channel(env).send("box box")
    assert time.monotonic() - t0 >= 0.2
    assert env.standin.rate_limited_count == 1
    stored = env.standin.messages(env.general_id)
    assert [m.content for m in stored] == ["box box"]
    assert stored[0].id == msg.id
    assert [r.status for r in env.standin.requests_to("POST /channels/*/messages")] == [429, 200]


async def test_bucket_exhaustion_and_global_limit(env: Env) -> None:
    s = env.standin
    s.set_rate_limit("POST /channels/*/messages", limit=2, window=0.3)
    ch = _channel(env)
    for i in range(4):
        await ch.send(f"m{i}")
    # discord.py waits pre-emptively on Remaining: 0, so nothing was refused ...
    assert len(s.messages(env.general_id)) == 4
    assert s.rate_limited_count == 0
    # ... but a raw burst over the global limit gets a global 429 (discord.py retries it).
    s.set_global_limit(3, window=0.2)
    results = await asyncio.gather(*(env.bot.fetch_channel(env.general_id) for _ in range(5)))
    assert all(c.id == env.general_id for c in results)
    assert any(g for (_, _, _, g) in s.limiter.served_429)
    assert s.rate_limited_count >= 1


async def test_5xx_is_retried(env: Env) -> None:
    env.standin.fail_next("POST /channels/*/messages", 1, status=502)
    await _channel(env).send("retry me")
    assert [r.status for r in env.standin.requests_to("POST /channels/*/messages")] == [502, 200]
    assert len(env.standin.messages(env.general_id)) == 1


@pytest.mark.parametrize(
    ("kind", "exc_type", "code"),
    [
        ("missing_permissions", discord.Forbidden, 50013),
        ("missing_access", discord.Forbidden, 50001),
        ("unknown_channel", discord.NotFound, 10003),
    ],
)
async def test_channel_faults_surface_as_exceptions(
    env: Env, kind: str, exc_type: type[discord.HTTPException], code: int
) -> None:
    env.standin.fail_channel(env.general_id, kind)
    with pytest.raises(exc_type) as info:
        await _channel(env).send("nope")
    assert info.value.code == code
    with pytest.raises(exc_type):
        await env.bot.fetch_channel(env.general_id)
    env.standin.clear_channel_fault(env.general_id)
    await _channel(env).send("now it works")


async def test_late_interaction_callback_is_rejected(env: Env) -> None:
    res = await env.standin.invoke("slowpoke", timeout=3)
    assert res.expired and res.error_code == 10062
    assert not res.acknowledged
    for _ in range(50):
        if env.rec.errors:
            break
        await asyncio.sleep(0.01)
    err = env.rec.errors[-1]
    assert isinstance(err, discord.NotFound) and err.code == 10062


async def test_duplicate_callback_is_rejected(env: Env) -> None:
    res = await env.standin.invoke("champion", {"year": 2020})
    interaction_id, token = res.interaction_id, res.token
    route = discord.http.Route("POST", "/interactions/{i}/{t}/callback", i=interaction_id, t=token)
    with pytest.raises(discord.HTTPException) as info:
        await env.bot.http.request(route, json={"type": 4, "data": {"content": "again"}})
    assert info.value.code == 40060


@pytest.mark.parametrize("code", [4000, None])
async def test_dropped_gateway_resumes_and_still_answers(env: Env, code: int | None) -> None:
    s = env.standin
    session = s.gateway.current
    assert session is not None
    await s.drop_gateway(code=code)
    await s.wait_connected(min_resumes=1, timeout=5)
    assert s.identify_count == 1 and s.resume_count == 1
    assert s.gateway.current is session
    res = await s.invoke("champion", {"year": 2021})
    assert res.content == "2021 champion: Max Verstappen"
    for _ in range(50):
        if env.rec.resumed:
            break
        await asyncio.sleep(0.01)
    assert env.rec.resumed == 1


async def test_events_missed_while_disconnected_are_replayed(env: Env) -> None:
    s = env.standin
    await s.drop_gateway()
    # Dispatched while the client is reconnecting: buffered and replayed on RESUME.
    task = asyncio.create_task(s.invoke("champion", {"year": 2020}, timeout=5))
    await s.wait_connected(min_resumes=1)
    res = await task
    assert res.content == "2020 champion: Lewis Hamilton"


async def test_heartbeats_are_acked(env: Env) -> None:
    await asyncio.sleep(0.3)
    assert env.standin.heartbeat_count >= 2
    assert env.bot.latency < 1
