"""The dataset as plain, immutable values: what `data/*.toml` says, once parsed."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Precision = Literal["day", "month", "year"]
Day = date  # a calendar day, for dataclasses whose own `date` field hides the type
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
    # The copy that was actually read, when it was a mirror or proxy of the canonical page in `url`.
    copy_url: str = ""
    # A document with no public address (the seed article): cited by its title and publisher, never a link.
    citation_only: bool = False


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
    # What the competition was called that season ("Manufacturer Series" until 2021), when it differs.
    competition_name: str = ""


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
    early_access: bool = False  # an early-access launch, not the 1.0 release
    # Days that sources disagree on, in date order: `date` then keeps only what they agree on (a month or year).
    disputed_days: tuple[Day, ...] = ()

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


EventKind = Literal["qualifier", "live", "world-finals"]
EventStatus = Literal["scheduled", "cancelled", "moved"]
EVENT_KINDS: tuple[EventKind, ...] = ("qualifier", "live", "world-finals")
EVENT_STATUSES: tuple[EventStatus, ...] = ("scheduled", "cancelled", "moved")


@dataclass(frozen=True)
class EventTime:
    """When an event starts or ends, as precisely as a source gives it: a month, a day, or a local time at `zone`.

    A day without a time is a day: it has no instant, and nothing may give it one except a server's own
    reminder time.
    """

    date: ReleaseDate
    at: time | None = None  # the local wall-clock time at `zone`
    zone: str = ""  # an IANA zone; required with `at`

    @classmethod
    def parse(cls, text: str, zone: str = "") -> EventTime:
        """ "2026-12", "2026-12-05" or "2026-12-05T13:00" (local time at `zone`); ValueError on anything else."""
        day, _, clock = text.partition("T")
        when = ReleaseDate.parse(day)
        if not clock:
            return cls(when, None, zone)
        if when.precision != "day" or len(clock) != 5:
            raise ValueError(f"a time needs a full day and HH:MM: {text!r}")
        return cls(when, time.fromisoformat(clock), zone)

    def iso(self) -> str:
        return self.date.iso() + (f"T{self.at:%H:%M}" if self.at else "")

    def instant(self) -> datetime | None:
        """The exact instant (UTC), when a source gave the time."""
        if self.at is None or not self.zone:
            return None
        return datetime.combine(self.date.first_day(), self.at, tzinfo=ZoneInfo(self.zone)).astimezone(UTC)

    def day_start(self) -> datetime:
        """The start of the first day it could be, in its zone (UTC when none): for "in 4 days", never shown as a
        time."""
        zone = ZoneInfo(self.zone) if self.zone else UTC
        return datetime.combine(self.date.first_day(), time(0, 0), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class EventResult:
    """Who won (or placed) at one event, in one competition, where a source says so."""

    competition: str
    placing: Placing


@dataclass(frozen=True)
class Event:
    """A World Series date: an online qualifier window, a live round or the World Finals."""

    id: str
    season: int
    name: str
    kind: EventKind
    competitions: tuple[str, ...]
    online: bool
    city: str
    venue: str
    country: str
    start: EventTime
    end: EventTime | None
    status: EventStatus
    moved_from: EventTime | None
    moved_from_place: str
    note: str
    sources: tuple[str, ...]
    results: tuple[EventResult, ...] = ()

    @property
    def key(self) -> str:
        """What reminders and Discord events point at: stable across dataset loads."""
        return f"event:{self.id}"

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    def last_day(self) -> date:
        return (self.end or self.start).date.last_day()

    def over_at(self) -> datetime:
        """The instant it is over (see `is_over`)."""
        end = self.end or self.start
        instant = end.instant() if self.end is not None else None
        if instant is not None:
            return instant
        zone = ZoneInfo(end.zone) if end.zone else UTC
        return datetime.combine(self.last_day() + timedelta(days=1), time(0, 0), tzinfo=zone).astimezone(UTC)

    def is_over(self, now: datetime) -> bool:
        """Over once its exact end instant has passed, or else its last day where it is held (UTC if online)."""
        # No exact end (a start time alone is when it begins, not when it ends): over after its last day.
        return self.over_at() <= now


@dataclass(frozen=True)
class Dataset:
    sources: tuple[Source, ...]
    competitions: tuple[Competition, ...]
    seasons: tuple[Season, ...]
    games: tuple[Game, ...]
    content_hash: str
    events: tuple[Event, ...] = ()
