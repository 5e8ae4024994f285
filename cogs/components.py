"""Buttons and selects on an answer, and what a click on one does.

Every component carries its whole question in its custom id — `pw1:<kind>:<asker>:<issued>:<page>:<line>`, where the
line is the console form of a question ("/podium nations-cup 2020") — so a click is answered by the same code path
as a typed command, no state is kept between the two, and buttons keep working across restarts. They are
discord.py `DynamicItem`s, registered once in `setup_hook`. A component older than `LIFETIME` (by the bot's injected
clock) or from an earlier custom-id format says it has expired instead of failing; a member who did not ask is told
to ask for their own answer, so nobody can change the answer someone else is reading.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.adapter.embeds import discord_pages, to_embed
from bot.adapter.locales import enter_locale
from bot.adapter.translator import command_as_seen
from bot.answer import Answer, FollowUp
from bot.console import UsageError, ask
from bot.errors import UserError
from bot.render import error_answer, notice_answer
from bot.text import t

if TYPE_CHECKING:
    from bot.adapter.client import PitwallBot

log = logging.getLogger(__name__)

VERSION = "pw1"
CUSTOM_ID_LIMIT = 100  # Discord's limit on a component's custom id
SELECT_OPTIONS_LIMIT = 25
# A click past this is answered "expired": an answer's follow-ups are for reading it now, and after this long the
# data, the asker's permissions or the command itself may have changed. Discord keeps an interaction token as long.
LIFETIME = timedelta(minutes=15)

# Questions that are not console commands (admin lists) are answered by handlers the cogs register on the bot.
LineHandler = Callable[[discord.Interaction], Awaitable[Answer]]


def _bot(interaction: discord.Interaction) -> PitwallBot:
    return cast("PitwallBot", interaction.client)


def custom_id(kind: str, asker: int, issued: datetime, page: int, line: str) -> str | None:
    """The custom id for a component, or None when the question does not fit in Discord's 100 characters."""
    encoded = f"{VERSION}:{kind}:{asker}:{int(issued.timestamp())}:{page}:{line}"
    return encoded if len(encoded) <= CUSTOM_ID_LIMIT else None


def _command_of(bot: PitwallBot, line: str) -> str:
    """The command a member would type to ask this again, as their Discord names it: the whole line for an admin
    list, else its first word."""
    return command_as_seen(line if line in bot.line_handlers else line.split(" ", 1)[0])


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                   template=r"pw1:b:(?P<asker>\d+):(?P<issued>\d+):(?P<page>\d+):(?P<line>/.+)"):
    """A button that asks `line` again (another season, another page) and shows the answer in place."""

    def __init__(self, button: discord.ui.Button[discord.ui.View], asker: int, issued: int, page: int,
                 line: str) -> None:
        super().__init__(button)
        self.asker, self.issued, self.page, self.line = asker, issued, page, line

    @classmethod
    def make(cls, label: str, asker: int, issued: datetime, page: int, line: str,
             *, disabled: bool = False) -> AnswerButton | None:
        encoded = custom_id("b", asker, issued, page, line)
        if encoded is None:
            log.warning("no button for %r: its custom id would be over %d characters", line, CUSTOM_ID_LIMIT)
            return None
        button: discord.ui.Button[discord.ui.View] = discord.ui.Button(
            label=label[:80], custom_id=encoded, disabled=disabled, style=discord.ButtonStyle.secondary)
        return cls(button, asker, int(issued.timestamp()), page, line)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> AnswerButton:
        button = cast("discord.ui.Button[discord.ui.View]", item)
        return cls(button, int(match["asker"]), int(match["issued"]), int(match["page"]), match["line"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await follow_up(interaction, self.asker, self.issued, self.line, self.page)


class AnswerSelect(discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
                   template=r"pw1:s:(?P<asker>\d+):(?P<issued>\d+):0:(?P<line>/.+)"):
    """A select of alternative questions (another competition); each option's value is a whole question."""

    def __init__(self, select: discord.ui.Select[discord.ui.View], asker: int, issued: int, line: str) -> None:
        super().__init__(select)
        self.asker, self.issued, self.line = asker, issued, line

    @classmethod
    def make(cls, alternatives: tuple[FollowUp, ...], asker: int, issued: datetime,
             line: str) -> AnswerSelect | None:
        encoded = custom_id("s", asker, issued, 0, line)
        options = [discord.SelectOption(label=f.label[:100], value=f.line, default=f.current)
                   for f in alternatives[:SELECT_OPTIONS_LIMIT] if len(f.line) <= CUSTOM_ID_LIMIT]
        if encoded is None or not options:
            return None
        select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
            custom_id=encoded, options=options, placeholder=t("nav.pick_competition"))
        return cls(select, asker, int(issued.timestamp()), line)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> AnswerSelect:
        select = cast("discord.ui.Select[discord.ui.View]", item)
        return cls(select, int(match["asker"]), int(match["issued"]), match["line"])

    async def callback(self, interaction: discord.Interaction) -> None:
        data = cast("dict[str, Any]", interaction.data or {})
        chosen = [str(v) for v in data.get("values") or [] if str(v).startswith("/")]
        await follow_up(interaction, self.asker, self.issued, chosen[0] if chosen else self.line, 0)


class ExpiredComponent(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                       template=r"pw(?!1:)\d*:.*"):
    """A component from an earlier custom-id format (an older pitwall): it can only say it has expired."""

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ExpiredComponent:
        return cls(cast("discord.ui.Button[discord.ui.View]", item))

    async def callback(self, interaction: discord.Interaction) -> None:
        await enter_locale(interaction)
        await _expired(interaction, t("nav.the_command"))


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (AnswerButton, AnswerSelect, ExpiredComponent)


def build_view(answer: Answer, asker: int, page: int, issued: datetime) -> discord.ui.View | None:
    """The answer's components: neighbour buttons, page buttons and a select of alternatives; None if none."""
    if answer.error:
        return None
    items: list[discord.ui.Item[Any]] = []
    for follow in answer.neighbours:
        if (button := AnswerButton.make(follow.label, asker, issued, 0, follow.line)) is not None:
            items.append(button)
    pages = discord_pages(answer)
    if pages > 1 and answer.line:
        before, after = max(page - 1, 0), min(page + 1, pages - 1)
        for label, target, disabled in ((t("nav.page_previous"), before, page == 0),
                                        (t("nav.page_next"), after, page >= pages - 1)):
            if (button := AnswerButton.make(label, asker, issued, target, answer.line, disabled=disabled)):
                items.append(button)
    if answer.alternatives:
        current = next((f.line for f in answer.alternatives if f.current), answer.alternatives[0].line)
        if (select := AnswerSelect.make(answer.alternatives, asker, issued, current)) is not None:
            items.append(select)
    if not items:
        return None
    # Buttons share the first row; a select needs a row of its own.
    view = discord.ui.View(timeout=None)
    for item in items:
        item.row = 1 if isinstance(item, AnswerSelect) else 0
        view.add_item(item)
    return view


async def answer_line(interaction: discord.Interaction, line: str) -> Answer:
    """Answer a follow-up's question: a registered handler for admin lists, else the console's parser, which is
    the path every typed command takes too."""
    bot = _bot(interaction)
    handler = bot.line_handlers.get(line)
    if handler is not None:
        return await handler(interaction)
    try:
        answer, _ = await ask(bot.core.questions, line)
    except UsageError:
        log.warning("a component asked an unknown question %r", line)
        return error_answer(UserError(t("nav.expired", command=_command_of(bot, line))))
    assert answer is not None
    return answer


async def follow_up(interaction: discord.Interaction, asker: int, issued: int, line: str, page: int) -> None:
    """A click: refuse politely if it expired or is someone else's answer, else show the new answer in place."""
    # The sending path builds its views with this module, so it is imported when a click first needs it.
    from cogs.reply import update_in_time

    await enter_locale(interaction)  # the clicker's language (the asker's, or a notice to someone else)
    bot = _bot(interaction)
    now = bot.clock.now()
    if interaction.user.id != asker:  # first: someone else's click must neither change nor strip the answer
        notice = notice_answer(t("nav.not_yours", command=_command_of(bot, line)))
        await interaction.response.send_message(embed=to_embed(notice), ephemeral=True)
        return
    if now - datetime.fromtimestamp(issued, UTC) > LIFETIME:
        await _expired(interaction, _command_of(bot, line))
        return
    await update_in_time(interaction, answer_line(interaction, line), page=page)


async def _expired(interaction: discord.Interaction, command: str) -> None:
    """Take the dead components off the message, and tell the member how to get a fresh answer."""
    await interaction.response.edit_message(view=None)
    await interaction.followup.send(embed=to_embed(notice_answer(t("nav.expired", command=command))), ephemeral=True)


async def setup(bot: PitwallBot) -> None:
    # Registered once, so a click is understood whichever process sent the message, and after a restart.
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
