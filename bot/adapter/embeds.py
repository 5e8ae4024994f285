"""An Answer as a Discord embed: typed pieces as Discord markup, every limit kept."""

from __future__ import annotations

import discord
from discord.utils import format_dt

from bot.answer import Answer, ChannelRef, Content, Field, Link, Moment, Piece, RoleRef, pieces_of
from bot.present import (
    BLANK,
    DESCRIPTION_LIMIT,
    FIELD_COUNT_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    MAX_SOURCES_SHOWN,
    TITLE_LIMIT,
    TOTAL_LIMIT,
    clip,
    fit,
    fit_lines,
    page_count,
    pages,
)
from bot.text import t

COLOUR_ANSWER = discord.Colour.from_rgb(0x1F, 0x6F, 0xEB)
COLOUR_ERROR = discord.Colour.from_rgb(0xD9, 0x3F, 0x3F)


def _piece(piece: Piece) -> str:
    match piece:
        case str():
            return piece
        case Moment(instant=instant, style="FR"):
            return f"{format_dt(instant, 'F')} ({format_dt(instant, 'R')})"
        case Moment(instant=instant, style="R"):
            return format_dt(instant, "R")
        case Moment(instant=instant):
            return format_dt(instant, "F")
        case ChannelRef(id=channel_id):
            return f"<#{channel_id}>"
        case RoleRef(id=role_id):
            return f"<@&{role_id}>"
        case Link(label=label, url=url):
            return f"[{label.replace('[', '(').replace(']', ')')}]({url})"


def discord_text(content: Content) -> str:
    """Text as Discord shows it: instants as timestamps each member reads in their own zone, channel and role
    mentions, masked links."""
    return "".join(_piece(p) for p in pieces_of(content))


def discord_pages(answer: Answer) -> int:
    return page_count(answer, discord_text)


def _sources_value(answer: Answer) -> str:
    lines = [(_piece(Link(ref.label, ref.url)) if ref.url.startswith("http") else ref.label)
             + (" · " + t("sources.copy", host=ref.copy_host) if ref.copy_host else "") for ref in answer.sources]
    return fit_lines(lines, FIELD_VALUE_LIMIT, max_lines=MAX_SOURCES_SHOWN, more="sources.more")


def to_embed(answer: Answer, page: int = 0) -> discord.Embed:
    """The answer as an embed within Discord's limits: lists are paged (`page` counts from 0), and long text is
    cut at a line with a count of what is left out, never rejected."""
    paged = pages(answer, discord_text)
    page = min(max(page, 0), max(len(paged) - 1, 0))
    description = paged[page] if paged else fit(discord_text(answer.description), DESCRIPTION_LIMIT)
    footer = answer.footer
    if len(paged) > 1:
        footer = " · ".join(x for x in (t("nav.page", page=page + 1, pages=len(paged)), footer) if x)
    embed = discord.Embed(
        title=clip(answer.title, TITLE_LIMIT),
        description=description or None,
        colour=COLOUR_ERROR if answer.error else COLOUR_ANSWER,
    )
    fields = list(answer.fields[: FIELD_COUNT_LIMIT - 1 if answer.sources else FIELD_COUNT_LIMIT])
    if answer.sources:
        fields.append(Field(t("sources.title"), _sources_value(answer)))
    for field in fields:
        # Discord refuses a field whose name or value is empty or only spaces: show a dash rather than lose it.
        value = discord_text(field.value)
        embed.add_field(name=clip(field.name, FIELD_NAME_LIMIT) if field.name.strip() else BLANK,
                        value=fit(value, FIELD_VALUE_LIMIT) if value.strip() else BLANK, inline=field.inline)
    if footer:
        embed.set_footer(text=clip(footer, FOOTER_LIMIT))
    # Over the 6,000 total: drop trailing fields, but keep the sources; then shorten the description and footer.
    while len(embed) > TOTAL_LIMIT and len(embed.fields) > (1 if answer.sources else 0):
        embed.remove_field(len(embed.fields) - (2 if answer.sources else 1))
    if len(embed) > TOTAL_LIMIT and embed.description:
        embed.description = fit(embed.description, max(1, len(embed.description) - (len(embed) - TOTAL_LIMIT)))
    if len(embed) > TOTAL_LIMIT and embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, max(1, len(embed.footer.text) - (len(embed) - TOTAL_LIMIT))))
    return embed


__all__ = ["COLOUR_ANSWER", "COLOUR_ERROR", "discord_pages", "discord_text", "to_embed"]
