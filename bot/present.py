"""The two views of an Answer: a Discord embed, and plain text for the console."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import discord

from bot.answer import Answer, Field, SourceRef
from bot.text import t

COLOUR_ANSWER = discord.Colour.from_rgb(0x1F, 0x6F, 0xEB)
COLOUR_ERROR = discord.Colour.from_rgb(0xD9, 0x3F, 0x3F)

# Discord's embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
TITLE_LIMIT, DESCRIPTION_LIMIT, FIELD_NAME_LIMIT, FIELD_VALUE_LIMIT = 256, 4096, 256, 1024
FOOTER_LIMIT, FIELD_COUNT_LIMIT, TOTAL_LIMIT = 2048, 25, 6000

BLANK = "—"
MAX_SOURCES_SHOWN = 5  # the first are the official ones; more would crowd out the answer

_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_RELATIVE = re.compile(r"\s*\(<t:-?\d+:R>\)")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit_lines(lines: list[str], limit: int, *, max_lines: int | None = None,
              more: str = "lines.more") -> str:
    """Whole lines within `limit` characters. Lines that do not fit are counted in a last "…and N more" line,
    whose own length is reserved before anything is cut, so the result never ends mid-text. Only a first line that
    is too long on its own (a paragraph, not a list) is clipped, with an ellipsis."""
    shown = list(lines[:max_lines] if max_lines is not None else lines)

    def count_line(kept: int) -> list[str]:
        hidden = len(lines) - kept
        return [t(more, count=hidden)] if hidden else []

    while len("\n".join(shown + count_line(len(shown)))) > limit and len(shown) > 1:
        shown.pop()
    tail = count_line(len(shown))
    if shown and len("\n".join(shown + tail)) > limit:
        room = limit - sum(len(x) + 1 for x in tail)
        shown = [_clip(shown[0], room)] if room > 1 else []
        tail = count_line(len(shown))
    return "\n".join(shown + tail)


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else fit_lines(text.splitlines(), limit)


def _source_line(ref: SourceRef) -> str:
    label = ref.label.replace("[", "(").replace("]", ")")
    return f"[{label}]({ref.url})" if ref.url.startswith("http") else ref.label


def _sources_value(answer: Answer) -> str:
    lines = [_source_line(ref) for ref in answer.sources]
    return fit_lines(lines, FIELD_VALUE_LIMIT, max_lines=MAX_SOURCES_SHOWN, more="sources.more")


def pages(answer: Answer) -> list[str]:
    """The answer's list rows, packed into pages that each fit an embed description (whole rows only)."""
    if not answer.items:
        return []
    room = DESCRIPTION_LIMIT - (len(answer.description) + 2 if answer.description else 0)
    packed: list[list[str]] = [[]]
    for row in answer.items:
        row = _clip(row, room)
        page = packed[-1]
        if page and len("\n".join([*page, row])) > room:
            packed.append([row])
        else:
            page.append(row)
    intro = f"{answer.description}\n\n" if answer.description else ""
    return [intro + "\n".join(page) for page in packed]


def page_count(answer: Answer) -> int:
    return max(1, len(pages(answer)))


def to_embed(answer: Answer, page: int = 0) -> discord.Embed:
    """The answer as an embed within Discord's limits: lists are paged (`page` counts from 0), and long text is
    cut at a line with a count of what is left out, never rejected."""
    paged = pages(answer)
    page = min(max(page, 0), max(len(paged) - 1, 0))
    description = paged[page] if paged else _fit(answer.description, DESCRIPTION_LIMIT)
    footer = answer.footer
    if len(paged) > 1:
        footer = " · ".join(x for x in (t("nav.page", page=page + 1, pages=len(paged)), footer) if x)
    embed = discord.Embed(
        title=_clip(answer.title, TITLE_LIMIT),
        description=description or None,
        colour=COLOUR_ERROR if answer.error else COLOUR_ANSWER,
    )
    fields = list(answer.fields[: FIELD_COUNT_LIMIT - 1 if answer.sources else FIELD_COUNT_LIMIT])
    if answer.sources:
        fields.append(Field(t("sources.title"), _sources_value(answer)))
    for field in fields:
        # Discord refuses a field whose name or value is empty or only spaces: show a dash rather than lose it.
        embed.add_field(name=_clip(field.name, FIELD_NAME_LIMIT) if field.name.strip() else BLANK,
                        value=_fit(field.value, FIELD_VALUE_LIMIT) if field.value.strip() else BLANK,
                        inline=field.inline)
    if footer:
        embed.set_footer(text=_clip(footer, FOOTER_LIMIT))
    # Over the 6,000 total: drop trailing fields, but keep the sources; then shorten the description and footer.
    while len(embed) > TOTAL_LIMIT and len(embed.fields) > (1 if answer.sources else 0):
        embed.remove_field(len(embed.fields) - (2 if answer.sources else 1))
    if len(embed) > TOTAL_LIMIT and embed.description:
        embed.description = _fit(embed.description, max(1, len(embed.description) - (len(embed) - TOTAL_LIMIT)))
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
    for item in answer.items:
        lines += [plain(item)]
    if answer.items:
        lines.append("")
    for field in answer.fields:
        lines += [f"{plain(field.name)}:", *("  " + line for line in plain(field.value).splitlines()), ""]
    related = [f for f in (*answer.neighbours, *answer.alternatives) if not f.current]
    if related:
        lines += [f"{t('nav.more')}: " + " · ".join(f.line for f in related), ""]
    if answer.sources:
        lines.append("Sources:")
        lines += [f"  - {ref.label} <{ref.url}>" for ref in answer.sources]
    return "\n".join(lines).rstrip() + "\n"
