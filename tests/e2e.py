"""Running the real bot against the Discord stand-in, through the same start-up code as `pitwall run`."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import discord

from bot.adapter.client import PitwallBot
from bot.adapter.launch import prepare
from bot.clock import Clock, FixedClock
from bot.config import Settings
from bot.questions import Questions
from tests.discord_standin import DiscordStandIn, InteractionResult

# Shaped like a real token (the bot refuses anything else); the stand-in accepts exactly this one.
TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"
NO_PINGS: dict[str, Any] = {"parse": []}


class SlowQuestions:
    """The real questions, each answered only after `delay` seconds (a cold disk, a busy machine)."""

    def __init__(self, questions: Questions, delay: float) -> None:
        self._questions, self.delay = questions, delay

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._questions, name)
        if not inspect.iscoroutinefunction(found):
            return found

        async def slowly(*args: Any, **kwargs: Any) -> Any:
            await asyncio.sleep(self.delay)
            return await found(*args, **kwargs)

        return slowly


def standin(**options: Any) -> DiscordStandIn:
    options.setdefault("heartbeat_interval", 1.0)
    return DiscordStandIn(token=TOKEN, **options)


def pointed_at(settings: Settings, discord_standin: DiscordStandIn) -> Settings:
    return dataclasses.replace(settings, token=TOKEN, api_base=discord_standin.api_base,
                               gateway_url=discord_standin.gateway_url)


@contextlib.asynccontextmanager
async def running_pitwall(discord_standin: DiscordStandIn, settings: Settings, clock: Clock,
                          *, sync_only: bool = False) -> AsyncIterator[PitwallBot]:
    """Start pitwall in-process; yield once the gateway is READY; close it and restore discord.py after."""
    previous = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    # discord.py waits this long after the last GUILD_CREATE before on_ready; the stand-in sends all at once.
    bot, token = prepare(pointed_at(settings, discord_standin), clock, sync_only=sync_only, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start(token), name="pitwall")
    try:
        ready = asyncio.ensure_future(bot.wait_until_ready())
        done, _ = await asyncio.wait({ready, task}, timeout=20, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            ready.cancel()
            task.result()
        else:
            ready.result()
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, timeout=10)
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = previous


def reply_of(result: InteractionResult) -> tuple[dict[str, Any], bool, dict[str, Any] | None]:
    """(embed, ephemeral, allowed_mentions) of the one message a member finally sees."""
    shown = result.messages[-1]
    embeds = shown.embeds
    assert len(embeds) == 1, shown.payload
    ephemeral = bool(shown.payload.get("flags", 0) & 64) or (result.ephemeral and shown is result.original)
    return embeds[0], ephemeral, shown.allowed_mentions


def embed_text(embed: dict[str, Any]) -> str:
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


async def run_until(bot: PitwallBot, clock: FixedClock, instant: datetime) -> None:
    """Move the clock and let the dispatcher post everything due, then go back to sleep."""
    assert bot.dispatcher is not None
    clock.set(instant)
    bot.dispatcher.wake()
    await asyncio.wait_for(bot.dispatcher.idle.wait(), timeout=30)
