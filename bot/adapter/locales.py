"""The locale of an interaction, and the servers' Discord languages as the gateway reports them.

A member reads the answer to their own question in their Discord language (`interaction.locale`); if pitwall has no
catalogue for it, in the server's chosen language, then the server's Discord language, then English. The server's
Discord preferred locale is recorded in the store (`guild_settings.discord_locale`) so that reminders posted before
the gateway has sent a server — just after a restart — are in its language too.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot import i18n

if TYPE_CHECKING:
    from bot.adapter.client import PitwallBot

log = logging.getLogger(__name__)


async def locale_of(bot: PitwallBot, interaction: discord.Interaction) -> str:
    member = str(interaction.locale)
    guild_locale = str(interaction.guild_locale) if interaction.guild_locale else None
    if interaction.guild_id and guild_locale and bot.get_guild(interaction.guild_id) is not None:
        # Only a server the bot is in (a user-installed app is used in others): its row goes when the bot leaves.
        bot.guild_locales.note(interaction.guild_id, guild_locale)
    if i18n.supported(member):
        return member
    chosen = None
    if interaction.guild_id:
        try:
            chosen = (await bot.core.reminders.rows.settings(interaction.guild_id)).language
        except Exception:  # the question still deserves an answer: in the server's Discord language
            log.exception("could not read guild %s's language; answering in its Discord one", interaction.guild_id)
    return i18n.choose(chosen, guild_locale)


async def enter_locale(interaction: discord.Interaction) -> str:
    """Set the current locale for the rest of this interaction's task (its handler, its error reply)."""
    bot: PitwallBot = interaction.client  # type: ignore[assignment]
    chosen = await locale_of(bot, interaction)
    i18n.set_locale(chosen)
    return chosen


class LocaleTree(app_commands.CommandTree["PitwallBot"]):
    """The command tree: every command and autocomplete runs in the locale of the member who asked."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        await enter_locale(interaction)
        return True


class GuildLocales:
    """The servers' Discord preferred locales, recorded as the gateway and interactions report them.

    Remembered in memory and written only when one changed, off the caller's path, in one transaction with every
    other seen meanwhile: at start-up discord.py reports each server once (`guild_available`), and a thousand
    servers are one write, not a thousand."""

    def __init__(self, bot: PitwallBot) -> None:
        self.bot = bot
        self._known: dict[int, str] = {}
        self._pending: dict[int, str] = {}
        self._writing: asyncio.Task[None] | None = None

    def note(self, guild_id: int, locale: str, *, fresh: bool = False) -> None:
        """`fresh`: a server that (re)joined, whose settings were forgotten when it left."""
        if fresh:
            self._known.pop(guild_id, None)
        if self._known.get(guild_id) == locale:
            return
        self._pending[guild_id] = locale
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write(), name="pitwall-guild-locales")

    def note_guild(self, guild: discord.Guild, *, fresh: bool = False) -> None:
        # A server still unavailable (an outage) carries discord.py's default locale, not its own: left alone.
        if not guild.unavailable:
            self.note(guild.id, str(guild.preferred_locale), fresh=fresh)

    async def settled(self) -> None:
        """Wait until what was noted is written (before acting on it, and before the store closes)."""
        if self._writing is not None:
            await self._writing

    async def _write(self) -> None:
        while self._pending:  # what arrives during a write is the next write
            batch, self._pending = self._pending, {}
            try:
                await self.bot.core.reminders.rows.record_discord_locales(batch, self.bot.clock.now())
            except Exception:  # a language is not worth failing a question or an event for: the next sighting retries
                log.exception("could not record the Discord locale of %d guild(s)", len(batch))
                continue
            self._known.update(batch)
