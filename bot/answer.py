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
class Answer:
    title: str
    description: str = ""
    fields: tuple[Field, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    footer: str = ""
    # An error answer is shown only to the member who asked (ephemeral) and exits 1 in the console.
    error: bool = False
    # A private answer (an admin's confirmation) is also shown only to the member who asked.
    private: bool = False

    @property
    def ephemeral(self) -> bool:
        return self.error or self.private
