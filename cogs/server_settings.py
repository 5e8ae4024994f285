"""/settings timezone: the server's zone and the time of day for releases known only by date."""

from __future__ import annotations

from zoneinfo import available_timezones

from discord import Interaction, app_commands

from bot.adapter.client import PitwallBot
from bot.answer import Answer
from bot.names import compact
from bot.reminders.render import settings_answer
from cogs.admin import AdminGroupCog

ZONES = sorted(available_timezones())


async def zone_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    typed = compact(current)
    starts = [z for z in ZONES if compact(z.split("/")[-1]).startswith(typed) or compact(z).startswith(typed)]
    contains = [z for z in ZONES if typed in compact(z) and z not in starts]
    return [app_commands.Choice(name=z, value=z) for z in (starts + contains)[:25]]


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)  # a server's settings: never from a member's own install
class ServerSettings(AdminGroupCog, group_name="settings", group_description="pitwall's settings for this server"):
    @app_commands.command(name="timezone", description="The server's time zone for reminders")
    @app_commands.describe(zone="An IANA zone, e.g. Europe/Paris",
                           reminder_time="HH:MM to remind about releases known only by date (default 09:00)")
    @app_commands.autocomplete(zone=zone_choices)
    async def timezone(self, interaction: Interaction, zone: str, reminder_time: str | None = None) -> None:
        async def question() -> Answer:
            settings = await self.bot.core.reminders.set_timezone(interaction.guild_id or 0, zone, reminder_time)
            return settings_answer(settings)

        await self.answer(interaction, question())


async def setup(bot: PitwallBot) -> None:
    await bot.add_cog(ServerSettings(bot))
