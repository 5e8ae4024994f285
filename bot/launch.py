"""Starting the Discord bot: the one start-up path shared by `pitwall run`, `pitwall sync` and the tests."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.client import PitwallBot
from bot.clock import Clock
from bot.config import Settings
from bot.discord_endpoints import apply_endpoints

log = logging.getLogger(__name__)


def prepare(settings: Settings, clock: Clock, *, sync_only: bool = False,
            guild_ready_timeout: float = 2.0) -> tuple[PitwallBot, str]:
    """Check the token, point discord.py at the configured endpoints, build the bot.

    Raises SettingsError (missing or malformed token) or ValueError (malformed endpoint URL).
    """
    token = settings.require_token()
    apply_endpoints(settings.api_base, settings.gateway_url)
    return PitwallBot(settings, clock, sync_only=sync_only, guild_ready_timeout=guild_ready_timeout), token


async def serve(bot: PitwallBot, token: str) -> None:
    """Run until the bot is closed; SIGTERM (a service manager stopping it) closes it cleanly."""
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):  # not on Windows
        loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(bot.close()))
    async with bot:
        await bot.start(token)
    log.info("stopped")
