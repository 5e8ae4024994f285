"""Helpers to run an unmodified discord.py client against a :class:`DiscordStandIn`.

The only things changed in discord.py are the two documented module-level settings a bot
uses to pick its API: ``discord.http.Route.BASE`` and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``. Both are restored on exit.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, TypeVar

import discord
import yarl

from .scenario import DiscordStandIn

ClientT = TypeVar("ClientT", bound=discord.Client)


def point_discord_py_at(api_base: str, gateway_url: str) -> tuple[str, yarl.URL]:
    """Set discord.py's API base and default gateway; returns the previous values."""
    previous = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    return previous


@contextlib.asynccontextmanager
async def running_client(
    client: ClientT, standin: DiscordStandIn, *, wait_synced: bool = False, timeout: float = 10.0,
) -> AsyncIterator[ClientT]:
    """Start ``client`` against ``standin``; yield once the gateway sent READY (and, with
    ``wait_synced``, once commands were synced); close the client on exit."""
    previous = point_discord_py_at(standin.api_base, standin.gateway_url)
    task = asyncio.create_task(client.start(standin.token), name="standin-client")
    try:
        waits = [standin.wait_ready(timeout)]
        if wait_synced:
            waits.append(standin.wait_synced(timeout))
        waiter: asyncio.Future[list[None]] = asyncio.ensure_future(asyncio.gather(*waits))
        pending: set[asyncio.Future[Any]] = {waiter, task}
        done, _ = await asyncio.wait(pending, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            waiter.cancel()
            task.result()  # re-raise the client's start-up error
            raise RuntimeError("discord.py client stopped before READY")
        if waiter not in done:
            waiter.cancel()
            raise TimeoutError("discord.py client did not reach READY")
        waiter.result()
        yield client
    finally:
        await client.close()
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = previous
