"""/reminders add|list|remove|pause|resume, and cleaning up when a channel or the server goes away."""

from __future__ import annotations

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.adapter.client import PitwallBot
from bot.adapter.translator import describe_command, describe_options
from bot.answer import Answer
from bot.errors import BadInput
from bot.reminders.render import list_answer, private, subscribed_answer
from bot.reminders.service import EVERY_EVENT, RESULTS
from bot.text import permission_names, t
from cogs.admin import AdminGroupCog
from cogs.options import choices

NEEDED = ("view_channel", "send_messages", "embed_links")  # discord.Permissions names


def _check_channel(channel: discord.abc.GuildChannel, role: discord.Role | None,
                   admin: discord.Member | discord.User) -> None:
    """Refuse, with the reason, a channel the bot could not post in or a role it could not ping, and a channel the
    admin may not post in themselves (Manage Server must not become a way to post where one may not)."""
    if not isinstance(channel, discord.TextChannel):
        raise BadInput(t("error.channel_not_text"))
    me = channel.guild.me
    if me is None:  # the server is still arriving over the gateway
        raise BadInput(t("error.not_ready"))
    permissions = channel.permissions_for(me)
    missing = [name for name in NEEDED if not getattr(permissions, name)]
    if missing:
        raise BadInput(t("error.channel_permissions", channel=channel.mention, missing=permission_names(missing)))
    if isinstance(admin, discord.Member):
        own = channel.permissions_for(admin)
        if not (own.view_channel and own.send_messages):
            raise BadInput(t("error.admin_cannot_post", channel=channel.mention))
    if role is not None:
        if role.is_default():
            raise BadInput(t("error.role_everyone"))
        if not role.mentionable and not permissions.mention_everyone:
            raise BadInput(t("error.role_not_mentionable", role=role.mention))


async def release_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    bot: PitwallBot = interaction.client  # type: ignore[assignment]
    if not interaction.permissions.manage_guild:  # autocomplete skips interaction_check
        return []
    guild_id = interaction.guild_id or 0
    today = bot.clock.now().date()
    upcoming = [x for x in await bot.core.reminders.targets(guild_id)
                if x.date.last_day() >= today and not x.announcement]
    subjects = {EVERY_EVENT: (t("reminders.every_event"), EVERY_EVENT), RESULTS: (t("reminders.results"), RESULTS)}
    subjects.update({x.choice_value: (x.title, x.subject) for x in upcoming})
    typed = current.casefold()
    ranked = sorted(subjects.items(), key=lambda item: (not item[1][0].casefold().startswith(typed), item[1][0]))
    return choices((title, value) for value, (title, subject) in ranked
                   if typed in title.casefold() or typed in subject)


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)  # a server's settings: never from a member's own install
class Reminders(AdminGroupCog, group_name="reminders", group_description=describe_command("reminders")):
    @app_commands.command(name="add", description=describe_command("reminders add"))
    @app_commands.describe(**describe_options("reminders add", "channel", "release", "offsets", "role",
                                              "cancelled_notice"))
    @app_commands.autocomplete(release=release_choices)
    async def add(self, interaction: Interaction, channel: discord.TextChannel, release: str | None = None,
                  offsets: str | None = None, role: discord.Role | None = None,
                  cancelled_notice: bool = False) -> None:
        async def question() -> Answer:
            _check_channel(channel, role, interaction.user)
            result = await self.bot.core.reminders.subscribe(
                channel.guild.id, channel.id, release, offsets, role.id if role else None, interaction.user.id,
                notify_cancelled=cancelled_notice)
            return subscribed_answer(result)

        await self.answer(interaction, question())

    async def cog_load(self) -> None:
        self.answer_clicks_on("/reminders list", self.subscriptions)

    async def subscriptions(self, interaction: Interaction) -> Answer:
        guild_id = interaction.guild_id or 0
        titles = {x.subject: x.title for x in await self.bot.core.reminders.targets(guild_id) if not x.announcement}
        titles.update({EVERY_EVENT: t("reminders.every_event"), RESULTS: t("reminders.results")})
        return list_answer(await self.bot.core.reminders.statuses(guild_id), titles)

    @app_commands.command(name="list", description=describe_command("reminders list"))
    async def list(self, interaction: Interaction) -> None:
        await self.answer(interaction, self.subscriptions(interaction))

    @app_commands.command(name="remove", description=describe_command("reminders remove"))
    @app_commands.describe(**describe_options("reminders remove", "id"))
    async def remove(self, interaction: Interaction, id: app_commands.Range[int, 1]) -> None:
        async def question() -> Answer:
            await self.bot.core.reminders.remove(interaction.guild_id or 0, id)
            return private(t("reminders.list_title"), t("reminders.removed", id=id))

        await self.answer(interaction, question())

    @app_commands.command(name="pause", description=describe_command("reminders pause"))
    @app_commands.describe(**describe_options("reminders pause", "id"))
    async def pause(self, interaction: Interaction, id: app_commands.Range[int, 1]) -> None:
        async def question() -> Answer:
            await self.bot.core.reminders.pause(interaction.guild_id or 0, id)
            return private(t("reminders.list_title"), t("reminders.paused", id=id))

        await self.answer(interaction, question())

    @app_commands.command(name="resume", description=describe_command("reminders resume"))
    @app_commands.describe(**describe_options("reminders resume", "id"))
    async def resume(self, interaction: Interaction, id: app_commands.Range[int, 1]) -> None:
        async def question() -> Answer:
            await self.bot.core.reminders.resume(interaction.guild_id or 0, id)
            return private(t("reminders.list_title"), t("reminders.resumed", id=id))

        await self.answer(interaction, question())

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self.bot.core.reminders.forget_channel(channel.id)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.bot.core.reminders.forget_guild(guild.id)


async def setup(bot: PitwallBot) -> None:
    await bot.add_cog(Reminders(bot))
