"""Presenting an Answer within limits, and its console view. The Discord view is `bot.adapter.embeds`.

Both views render the typed pieces of the answer's text their own way (`Render`), then fit the result to their
limits with the same rules: whole lines, and an "…and N more" line whose length is counted first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.answer import Answer, ChannelRef, Content, Link, Moment, Piece, RoleRef, pieces_of
from bot.dates import instant_utc, relative
from bot.text import t

Render = Callable[[Content], str]

# Discord's embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
TITLE_LIMIT, DESCRIPTION_LIMIT, FIELD_NAME_LIMIT, FIELD_VALUE_LIMIT = 256, 4096, 256, 1024
FOOTER_LIMIT, FIELD_COUNT_LIMIT, TOTAL_LIMIT = 2048, 25, 6000

BLANK = "—"
MAX_SOURCES_SHOWN = 5  # the first are the official ones; more would crowd out the answer


def clip(text: str, limit: int) -> str:
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
        shown = [clip(shown[0], room)] if room > 1 else []
        tail = count_line(len(shown))
    return "\n".join(shown + tail)


def fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else fit_lines(text.splitlines(), limit)


def pages(answer: Answer, render: Render) -> list[str]:
    """The answer's list rows, packed into pages that each fit an embed description (whole rows only)."""
    if not answer.items:
        return []
    description = render(answer.description)
    room = DESCRIPTION_LIMIT - (len(description) + 2 if description else 0)
    packed: list[list[str]] = [[]]
    for item in answer.items:
        row = clip(render(item), room)
        page = packed[-1]
        if page and len("\n".join([*page, row])) > room:
            packed.append([row])
        else:
            page.append(row)
    intro = f"{description}\n\n" if description else ""
    return [intro + "\n".join(page) for page in packed]


def page_count(answer: Answer, render: Render) -> int:
    return max(1, len(pages(answer, render)))


def _utc_text(moment: Moment, now: datetime | None) -> str:
    if moment.style == "R":
        return relative(moment.instant, now or datetime.now(UTC))
    # "FR": the console writes the moment (a relative time beside it only makes sense where it is rendered live).
    return instant_utc(moment.instant)


def _console_piece(piece: Piece, now: datetime | None = None) -> str:
    match piece:
        case str():
            return piece
        case Moment():
            return _utc_text(piece, now)
        case ChannelRef(id=channel_id):
            return t("console.channel", id=channel_id)
        case RoleRef(id=role_id):
            return t("console.role", id=role_id)
        case Link(label=label, url=url):
            return f"{label} <{url}>"


def plain(content: Content, now: datetime | None = None) -> str:
    """Console text: pieces in words (instants in UTC, links as "label <url>"), no emphasis marks."""
    text = "".join(_console_piece(p, now) for p in pieces_of(content))
    return text.replace("**", "").replace("*", "").replace("`", "")


def to_text(answer: Answer, now: datetime | None = None) -> str:
    """The answer as console text: the same content as the embed, top to bottom. `now` is the clock's, for
    relative times ("in 3 days")."""
    lines = [plain(answer.title, now), "=" * len(plain(answer.title, now))]
    if answer.description:
        lines += [plain(answer.description, now), ""]
    for item in answer.items:
        lines += [plain(item, now)]
    if answer.items:
        lines.append("")
    for field in answer.fields:
        lines += [t("console.label", label=plain(field.name, now)),
                  *("  " + line for line in plain(field.value, now).splitlines()), ""]
    related = [f for f in (*answer.neighbours, *answer.alternatives) if not f.current]
    if related:
        lines += [t("console.label", label=t("nav.more")) + " " + " · ".join(f.line for f in related), ""]
    if answer.sources:
        lines.append(t("console.sources"))
        lines += [f"  - {ref.label}" + (f" <{ref.url}>" if ref.url else "")
                  + (" (" + t("console.label", label=t("sources.copy", host=ref.copy_host)) + f" <{ref.copy_url}>)"
                     if ref.copy_url else "")
                  for ref in answer.sources]
    return "\n".join(lines).rstrip() + "\n"
