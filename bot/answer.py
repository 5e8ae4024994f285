"""The plain answer structure every question produces. An embed and console text are two views of it.

Instants inside text use Discord's timestamp markup (`<t:1646352000:D>`, made by `discord.utils.format_dt`):
Discord shows it in each member's own zone, and the console view turns it into UTC text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class SourceRef:
    label: str
    url: str


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
    description: str = ""
    fields: tuple[Field, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    footer: str = ""
    # Rows of a list ("every subscription"): a front shows them all, or in pages that each fit its limits.
    items: tuple[str, ...] = ()
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
