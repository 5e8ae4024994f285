"""/settings timezone: the server's zone and the time of day for releases known only by date.
/settings language: the language of the server's reminders and announcements.
/settings discord-events: Discord scheduled events for World Series events and releases, kept in sync."""

from __future__ import annotations

from zoneinfo import available_timezones

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.adapter.client import PitwallBot
from bot.adapter.scheduled_events import missing_permissions
from bot.adapter.translator import choice, describe_command, describe_options
from bot.answer import Answer
from bot.discord_events import MAX_DISCORD_EVENTS_PER_GUILD, pause_reason_text
from bot.errors import BadInput
from bot.i18n import languages
from bot.names import compact
from bot.reminders.render import language_answer, private, settings_answer
from bot.text import permission_names, t, template
from cogs.admin import AdminGroupCog

ZONES = sorted(available_timezones())
AUTOMATIC = "auto"
# The languages with a catalogue, each named in itself ("Français", from its own catalogue: no locale data is loaded
# at start-up for it), and "automatic": the server's Discord language.
LANGUAGE_CHOICES = [choice("language.auto", AUTOMATIC),
                    *(app_commands.Choice(name=template("language.self", language=code), value=code)
                      for code in languages())]


async def zone_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    typed = compact(current)
    starts = [z for z in ZONES if compact(z.split("/")[-1]).startswith(typed) or compact(z).startswith(typed)]
    contains = [z for z in ZONES if typed in compact(z) and z not in starts]
    return [app_commands.Choice(name=z, value=z) for z in (starts + contains)[:25]]


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)  # a server's settings: never from a member's own install
class ServerSettings(AdminGroupCog, group_name="settings", group_description=describe_command("settings")):
    @app_commands.command(name="timezone", description=describe_command("settings timezone"))
    @app_commands.describe(**describe_options("settings timezone", "zone", "reminder_time"))
    @app_commands.autocomplete(zone=zone_choices)
    async def timezone(self, interaction: Interaction, zone: str, reminder_time: str | None = None) -> None:
        async def question() -> Answer:
            settings = await self.bot.core.reminders.set_timezone(interaction.guild_id or 0, zone, reminder_time)
            return settings_answer(settings)

        await self.answer(interaction, question())

    @app_commands.command(name="discord-events", description=describe_command("settings discord-events"))
    @app_commands.describe(**describe_options("settings discord-events", "enabled"))
    async def discord_events(self, interaction: Interaction, enabled: bool | None = None) -> None:
        async def question() -> Answer:
            guild = interaction.guild
            if guild is None:
                raise BadInput(t("error.guild_only"))
            if enabled is None:
                return await self._events_state(guild.id)
            sync = self.bot.scheduled_events
            rows = self.bot.core.store.discord_events
            if not enabled:
                # Tidy: the events pitwall made go with it (members would otherwise see ones nobody updates).
                await rows.set_enabled(guild.id, False, self.bot.clock.now())
                removed, left = await sync.remove_all(guild.id)
                text = (t("discord_events.disabled_left", removed=removed, left=left) if left
                        else t("discord_events.disabled", removed=removed))
                return private(t("discord_events.title"), text)
            missing = missing_permissions(guild)
            if missing:
                raise BadInput(t("discord_events.needs", missing=permission_names(missing), count=len(missing)))
            await rows.set_enabled(guild.id, True, self.bot.clock.now())
            report = await sync.sync_guild(guild.id)
            if report.paused:
                return await self._events_state(guild.id)
            text = t("discord_events.enabled", cap=MAX_DISCORD_EVENTS_PER_GUILD,
                     created=report.created + report.adopted, updated=report.updated + report.cancelled)
            if report.failed:
                text += " " + t("discord_events.failed")
            return private(t("discord_events.title"), text)

        await self.answer(interaction, question())

    @app_commands.command(name="language", description=describe_command("settings language"))
    @app_commands.describe(**describe_options("settings language", "language"))
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def language(self, interaction: Interaction, language: app_commands.Choice[str] | None = None) -> None:
        async def question() -> Answer:
            guild_id = interaction.guild_id or 0
            if language is None:
                return language_answer(await self.bot.core.reminders.rows.settings(guild_id))
            was = (await self.bot.core.reminders.rows.settings(guild_id)).post_locale
            settings = await self.bot.core.reminders.set_language(
                guild_id, None if language.value == AUTOMATIC else language.value)
            await self.bot.scheduled_events.after_language_change(guild_id, was)
            return language_answer(settings)

        await self.answer(interaction, question())

    async def _events_state(self, guild_id: int) -> Answer:
        settings = await self.bot.core.store.discord_events.settings(guild_id)
        if not settings.enabled:
            return private(t("discord_events.title"), t("discord_events.state_off"))
        if settings.paused:
            return private(t("discord_events.title"),
                           t("discord_events.state_paused", reason=pause_reason_text(settings.paused)))
        kept = await self.bot.core.store.discord_events.remembered(guild_id)
        count = sum(1 for r in kept.values() if r.state == "scheduled")
        return private(t("discord_events.title"), t("discord_events.state_on", count=count))

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.bot.core.store.discord_events.forget_guild(guild.id)


async def setup(bot: PitwallBot) -> None:
    await bot.add_cog(ServerSettings(bot))
