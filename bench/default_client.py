"""A plain discord.py client with every default (intents, caches, timeouts): the yardstick for bench/memory.py.

Run: DISCORD_TOKEN=... PITWALL_API_BASE=... PITWALL_GATEWAY_URL=... .venv/bin/python -m bench.default_client
Prints "ready" (and the guild count) on stdout when on_ready fires, then runs until SIGTERM. Only the REST base and
gateway URL are pointed elsewhere, through pitwall's own `apply_endpoints`; nothing else is tuned.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal

import discord

from bot.adapter.endpoints import apply_endpoints


class DefaultClient(discord.Client):
    async def on_ready(self) -> None:
        print(f"ready in {len(self.guilds)} guild(s)", flush=True)


async def serve(token: str) -> None:
    client = DefaultClient(intents=discord.Intents.default())
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):
        loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(client.close()))
    async with client:
        await client.start(token)


def main() -> None:
    apply_endpoints(os.environ.get("PITWALL_API_BASE"), os.environ.get("PITWALL_GATEWAY_URL"))
    asyncio.run(serve(os.environ["DISCORD_TOKEN"]))


if __name__ == "__main__":
    main()
