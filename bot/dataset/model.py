"""The dataset as plain, immutable values: what `data/*.toml` says, once parsed."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Literal

Precision = Literal["day", "month", "year"]
CompetitionKind = Literal["driver", "team"]
SeasonStatus = Literal["concluded", "in-progress", "scheduled"]


@dataclass(frozen=True)
class Source:
    id: str
    url: str
    publisher: str
    title: str
    published: str  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"; empty when unknown
    read: date
    language: str


@dataclass(frozen=True)
class Competition:
    slug: str
    name: str
    name_fr: str
    kind: CompetitionKind
    aliases: tuple[str, ...]
    order: int


@dataclass(frozen=True)
class Member:
    name: str
    country: str


@dataclass(frozen=True)
class Placing:
    """One row of a classification: a driver, or a team with its members."""

    position: int
    name: str
    country: str
    team: str = ""
    manufacturer: str = ""
    members: tuple[Member, ...] = ()
    note: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Season:
    year: int
    competition: str
    title: str
    series: str
    status: SeasonStatus
    # Who is ranked this season. Usually the competition's kind, but some seasons crown teams of drivers
    # (e.g. nations fielding teams) where others crowned one driver.
    format: CompetitionKind
    world_final_date: date | None
    world_final_venue: str
    sources: tuple[str, ...]
    standing: tuple[Placing, ...]
    final_race: tuple[Placing, ...] = ()
    # Podium places that happened but that no stored source confirms yet: shown as such, never guessed.
    unconfirmed_positions: tuple[int, ...] = ()


@dataclass(frozen=True, order=True)
class ReleaseDate:
    """A release date as precise as it is known: a day, a month or only a year. Never an invented day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @classmethod
    def parse(cls, text: str) -> ReleaseDate:
        """Parse "2022", "2022-03" or "2022-03-04"; ValueError on anything else."""
        parts = text.split("-")
        if not 1 <= len(parts) <= 3 or len(parts[0]) != 4 or not all(p.isdigit() for p in parts):
            raise ValueError(f"not a YYYY, YYYY-MM or YYYY-MM-DD date: {text!r}")
        if len(parts) == 3:
            date.fromisoformat(text)  # validates the day exists
            return cls(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 2:
            if len(parts[1]) != 2 or not 1 <= int(parts[1]) <= 12:
                raise ValueError(f"not a month: {text!r}")
            return cls(int(parts[0]), int(parts[1]))
        return cls(int(parts[0]))

    def iso(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        """The last day the release could fall on, given what is known."""
        if self.day is not None:
            return self.first_day()
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])


@dataclass(frozen=True)
class Release:
    key: str
    game: str
    date: ReleaseDate
    time_utc: time | None
    platforms: tuple[str, ...]
    region: str
    note: str
    sources: tuple[str, ...]

    def instant(self) -> datetime | None:
        """The exact release instant in UTC, when a source gave one."""
        if self.time_utc is None or self.date.precision != "day":
            return None
        return datetime.combine(self.date.first_day(), self.time_utc, tzinfo=UTC)


@dataclass(frozen=True)
class Game:
    slug: str
    title: str
    kind: str
    parent: str
    developer: str
    publisher: str
    aliases: tuple[str, ...]
    releases: tuple[Release, ...]


@dataclass(frozen=True)
class Dataset:
    sources: tuple[Source, ...]
    competitions: tuple[Competition, ...]
    seasons: tuple[Season, ...]
    games: tuple[Game, ...]
    content_hash: str
