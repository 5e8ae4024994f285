"""Starting the Discord bot: the one start-up path shared by `pitwall run`, `pitwall sync` and the tests."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import TextIO

import aiohttp
import discord

from bot.adapter.client import PitwallBot
from bot.adapter.endpoints import apply_endpoints
from bot.clock import Clock
from bot.config import Settings, SettingsError
from bot.console import EXIT_OK, EXIT_USAGE
from bot.process_lock import AlreadyRunning

log = logging.getLogger(__name__)
EXIT_FAILURE = 1  # stopped by a failure a restart may fix (a service manager restarts it)


def prepare(settings: Settings, clock: Clock, *, sync_only: bool = False, standby: bool = False,
            guild_ready_timeout: float = 2.0) -> tuple[PitwallBot, str]:
    """Check the token, point discord.py at the configured endpoints, build the bot.

    Raises SettingsError (missing or malformed token) or ValueError (malformed endpoint URL).
    """
    token = settings.require_token()
    apply_endpoints(settings.api_base, settings.gateway_url)
    return PitwallBot(settings, clock, sync_only=sync_only, guild_ready_timeout=guild_ready_timeout,
                      standby=standby), token


async def serve(bot: PitwallBot, token: str) -> None:
    """Run until the bot is closed; SIGTERM (a service manager stopping it) closes it cleanly, SIGHUP reloads the
    dataset (`systemctl reload`, `kill -HUP`)."""
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):  # not on Windows
        loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(bot.close()))
        loop.add_signal_handler(signal.SIGHUP, lambda: bot.reload_in_background())
    async with bot:
        try:
            await bot.start(token)
        except (aiohttp.ClientError, OSError, discord.ConnectionClosed):
            # Stopped while the shards were still connecting: their requests fail on the closed session, which is
            # the stop asked for, not a network problem.
            if not bot.stopping:
                raise
    log.info("stopped")


def run(settings: Settings, clock: Clock, err: TextIO, *, sync_only: bool = False, standby: bool = False) -> int:
    """`pitwall run` / `pitwall sync`: the exit code, and one line on stderr for anything that stops it."""
    try:
        bot, token = prepare(settings, clock, sync_only=sync_only, standby=standby)
    except (SettingsError, ValueError) as exc:
        print(f"pitwall: {exc}", file=err)
        return EXIT_USAGE
    try:
        asyncio.run(serve(bot, token))
    except AlreadyRunning as exc:
        print(f"pitwall: {exc}", file=err)
        return EXIT_USAGE
    except discord.LoginFailure:
        print("pitwall: Discord rejected DISCORD_TOKEN (401 Unauthorized). Reset the token in the Developer "
              "Portal (Bot page) and put the new one in .env.", file=err)
        return EXIT_USAGE
    except discord.PrivilegedIntentsRequired:
        print("pitwall: Discord refused an intent this bot does not need; please report this.", file=err)
        return EXIT_USAGE
    except discord.HTTPException as exc:
        print(f"pitwall: Discord refused a start-up request: HTTP {exc.status} (code {exc.code}). "
              "See the log above; try again later.", file=err)
        return EXIT_USAGE
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        print(f"pitwall: cannot reach Discord ({exc.__class__.__name__}). Check the network, or "
              "PITWALL_API_BASE / PITWALL_GATEWAY_URL if set.", file=err)
        return EXIT_USAGE
    except KeyboardInterrupt:
        log.info("stopped")
    if bot.lost_shards:
        print("pitwall: lost the database connection that holds this process's shards, and stopped so that another "
              "process can take them over; restart it (a service manager does).", file=err)
        return EXIT_FAILURE
    return EXIT_OK
