"""The two views of an Answer: a Discord embed, and plain text for the console."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import discord

from bot.answer import Answer, Field
from bot.text import t

COLOUR_ANSWER = discord.Colour.from_rgb(0x1F, 0x6F, 0xEB)
COLOUR_ERROR = discord.Colour.from_rgb(0xD9, 0x3F, 0x3F)

# Discord's embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
TITLE_LIMIT, DESCRIPTION_LIMIT, FIELD_NAME_LIMIT, FIELD_VALUE_LIMIT = 256, 4096, 256, 1024
FOOTER_LIMIT, FIELD_COUNT_LIMIT, TOTAL_LIMIT = 2048, 25, 6000

MAX_SOURCES_SHOWN = 5  # the first are the official ones; more would crowd out the answer

_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_RELATIVE = re.compile(r"\s*\(<t:-?\d+:R>\)")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sources_value(answer: Answer) -> str:
    lines: list[str] = []
    for ref in answer.sources[:MAX_SOURCES_SHOWN]:
        line = f"[{ref.label.replace('[', '(').replace(']', ')')}]({ref.url})" if ref.url.startswith("http") \
            else ref.label
        if sum(len(x) + 1 for x in lines) + len(line) > FIELD_VALUE_LIMIT - 2:
            lines.append("…")
            break
        lines.append(line)
    if len(answer.sources) > MAX_SOURCES_SHOWN:
        lines.append(t("sources.more", count=len(answer.sources) - MAX_SOURCES_SHOWN))
    return "\n".join(lines)


def to_embed(answer: Answer) -> discord.Embed:
    """The answer as an embed within Discord's limits (long text is cut with an ellipsis, never rejected)."""
    embed = discord.Embed(
        title=_clip(answer.title, TITLE_LIMIT),
        description=_clip(answer.description, DESCRIPTION_LIMIT) or None,
        colour=COLOUR_ERROR if answer.error else COLOUR_ANSWER,
    )
    fields = list(answer.fields[: FIELD_COUNT_LIMIT - 1 if answer.sources else FIELD_COUNT_LIMIT])
    if answer.sources:
        fields.append(Field(t("sources.title"), _sources_value(answer)))
    for field in fields:
        embed.add_field(name=_clip(field.name, FIELD_NAME_LIMIT), value=_clip(field.value, FIELD_VALUE_LIMIT),
                        inline=field.inline)
    if answer.footer:
        embed.set_footer(text=_clip(answer.footer, FOOTER_LIMIT))
    # Over the 6,000 total: drop trailing fields, but keep the sources; then shorten the description and footer.
    while len(embed) > TOTAL_LIMIT and len(embed.fields) > (1 if answer.sources else 0):
        embed.remove_field(len(embed.fields) - (2 if answer.sources else 1))
    if len(embed) > TOTAL_LIMIT and embed.description:
        embed.description = _clip(embed.description, max(1, len(embed.description) - (len(embed) - TOTAL_LIMIT)))
    if len(embed) > TOTAL_LIMIT and embed.footer.text:
        embed.set_footer(text=_clip(embed.footer.text, max(1, len(embed.footer.text) - (len(embed) - TOTAL_LIMIT))))
    return embed


def _timestamp_text(match: re.Match[str]) -> str:
    instant = datetime.fromtimestamp(int(match.group(1)), UTC)
    style = match.group(2) or "f"
    day = f"{instant.day} {instant.strftime('%B %Y')}"
    return day if style in "dD" else f"{day} {instant.strftime('%H:%M')} UTC"


def plain(text: str) -> str:
    """Discord markdown to terminal text: timestamps in UTC, links as "label <url>", no emphasis marks."""
    # A relative timestamp ("in 3 days") only makes sense where Discord renders it live.
    text = _RELATIVE.sub("", text)
    text = _TIMESTAMP.sub(_timestamp_text, text)
    text = _LINK.sub(r"\1 <\2>", text)
    return text.replace("**", "").replace("*", "").replace("`", "")


def to_text(answer: Answer) -> str:
    """The answer as console text: the same content as the embed, top to bottom."""
    lines = [plain(answer.title), "=" * len(plain(answer.title))]
    if answer.description:
        lines += [plain(answer.description), ""]
    for field in answer.fields:
        lines += [f"{plain(field.name)}:", *("  " + line for line in plain(field.value).splitlines()), ""]
    if answer.sources:
        lines.append("Sources:")
        lines += [f"  - {ref.label} <{ref.url}>" for ref in answer.sources]
    return "\n".join(lines).rstrip() + "\n"
