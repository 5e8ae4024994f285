"""The plain answer structure every question produces. An embed and console text are two views of it.

Text is a plain string, or a `Text`: a sequence of plain strings and typed pieces — an instant (`Moment`), a
channel, a role, a link — that each front renders its own way. Discord shows a Moment as a timestamp in each
member's own zone (`discord.utils.format_dt`, in the adapter); the console writes it in UTC. The domain writes no
front's markup for these (bold `**` is the one markdown both fronts read).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Moment:
    """An exact instant (aware, UTC): "F" the full date and time, "R" relative ("in 3 days"), "FR" both (where
    a front can show a live relative time beside the date)."""

    instant: datetime
    style: Literal["F", "R", "FR"] = "F"


@dataclass(frozen=True)
class ChannelRef:
    id: int


@dataclass(frozen=True)
class RoleRef:
    id: int


@dataclass(frozen=True)
class Link:
    label: str
    url: str


Piece = str | Moment | ChannelRef | RoleRef | Link
Text = tuple[Piece, ...]
Content = str | Text  # what an answer's description, field values and list rows hold


def joined(parts: Iterable[Content], separator: str = "\n") -> Content:
    """Parts joined with `separator`: a str if every part is one, else a Text."""
    parts = list(parts)
    if all(isinstance(p, str) for p in parts):
        return separator.join(p for p in parts if isinstance(p, str))
    pieces: list[Piece] = []
    for index, part in enumerate(parts):
        if index and separator:
            pieces.append(separator)
        pieces.extend(p for p in ((part,) if isinstance(part, str) else part) if p != "")
    return tuple(pieces)


def concat(*parts: Content) -> Content:
    return joined(parts, "")


def pieces_of(content: Content) -> Text:
    return (content,) if isinstance(content, str) else content


@dataclass(frozen=True)
class Field:
    name: str
    value: Content
    inline: bool = False


@dataclass(frozen=True)
class SourceRef:
    """A cited page: its canonical address (empty for a document with no public one), and the mirror or proxy copy
    that was read, named beside it."""

    label: str
    url: str
    copy_url: str = ""

    @property
    def copy_host(self) -> str:
        return urlsplit(self.copy_url).hostname or "" if self.copy_url else ""


@dataclass(frozen=True)
class FollowUp:
    """A related question a member can ask with one click, written as the console would read it.

    The line is the whole question ("/podium nations-cup 2020"), so a click is answered by the same code path as a
    typed command, and needs no state kept between the two.
    """

    label: str
    line: str
    current: bool = False  # the question this answer already answers (shown as selected)


@dataclass(frozen=True)
class Answer:
    title: str
    description: Content = ""
    fields: tuple[Field, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    footer: str = ""
    # Rows of a list ("every subscription"): a front shows them all, or in pages that each fit its limits.
    items: tuple[Content, ...] = ()
    # Neighbouring questions (the previous and next season) and alternatives to this one (another competition).
    neighbours: tuple[FollowUp, ...] = ()
    alternatives: tuple[FollowUp, ...] = ()
    # The question this answer answers, as a console line, when it can be asked again (to turn its pages).
    line: str = ""
    # An error answer is shown only to the member who asked (ephemeral) and exits 1 in the console.
    error: bool = False
    # A private answer (an admin's confirmation) is also shown only to the member who asked.
    private: bool = False

    @property
    def ephemeral(self) -> bool:
        return self.error or self.private
