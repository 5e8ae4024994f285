"""The questions pitwall answers, in domain terms. Discord and the console both call these.

Name resolution, year checks and "not decided yet" live here, once, so every front gives the same answer.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.clock import Clock
from bot.countries import country_name
from bot.dataset.model import Competition, Event, Game, Release, Season, Source
from bot.dates import day_range
from bot.errors import BadInput, NotOnRecord, UnknownName
from bot.names import MAX_NAME_LENGTH, NameIndex, clean_user_text
from bot.store import Store
from bot.text import listed, t

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timeline:
    upcoming: tuple[tuple[Game, Release], ...]
    recent: tuple[tuple[Game, Release], ...]


@dataclass(frozen=True)
class Coverage:
    competitions: tuple[Competition, ...]
    first_year: int
    last_year: int
    seasons: int
    games: int
    sources: int
    last_checked: date | None
    events: int = 0


@dataclass(frozen=True)
class Schedule:
    season: int
    events: tuple[Event, ...]
    seasons: tuple[int, ...]  # every season with a calendar on record


class Snapshot:
    """One loaded dataset, whole and immutable, with what names and questions need.

    Every question is answered from one snapshot, taken once when it is asked: a reload builds a new snapshot
    and swaps it in with one assignment, so no answer ever mixes an old dataset with a new one, and answering
    needs no database query (the data a question needs is small and changes only on a load).
    """

    def __init__(self, competitions: list[Competition], seasons: list[Season], games: list[Game],
                 sources: list[Source], events: list[Event], clock: Clock, content_hash: str = "") -> None:
        self.clock = clock
        self.content_hash = content_hash
        self.competitions = {c.slug: c for c in competitions}
        self.competition_names = NameIndex.build((c.slug, c.name, (c.name_fr, *c.aliases)) for c in competitions)
        self.games = {g.slug: g for g in games}
        self.game_names = NameIndex.build((g.slug, g.title, g.aliases) for g in games)
        order = {c.slug: c.order for c in competitions}
        self.seasons = tuple(sorted(seasons, key=lambda s: (s.year, order.get(s.competition, 0))))
        self._seasons = {(s.year, s.competition): s for s in seasons}
        # Indexes, so that what a question costs does not grow with the dataset (bench/RESULTS.md, "growth").
        self._by_year: dict[int, list[Season]] = {}
        self._by_competition: dict[str, list[Season]] = {}
        for season in self.seasons:
            self._by_year.setdefault(season.year, []).append(season)
            self._by_competition.setdefault(season.competition, []).append(season)
        self._events_by_season: dict[int, tuple[Event, ...]] = {}
        for event in events:
            self._events_by_season[event.season] = (*self._events_by_season.get(event.season, ()), event)
        # Answers that depend on the time (what is upcoming), kept until the next moment they can change.
        # (computed at, valid until, ...): a clock set back (tests, a corrected system clock) computes again.
        self._timeline: tuple[datetime, datetime, int, Timeline] | None = None
        self._upcoming: tuple[datetime, datetime, tuple[Event, ...]] | None = None
        self.sources = {s.id: s for s in sources}
        self.events = tuple(events)
        self.years = tuple(sorted({s.year for s in seasons}))
        self._year_set = frozenset(self.years)  # membership without scanning the tuple
        self.concluded_years = tuple(sorted({s.year for s in seasons if s.status == "concluded"}))
        self.concluded = {c.slug: tuple(sorted({s.year for s in seasons if s.competition == c.slug
                                                and s.status == "concluded"})) for c in competitions}
        self.event_seasons = tuple(sorted({e.season for e in events}))
        self.season_count = len(seasons)
        self.source_count = len(sources)
        self.last_checked = max((s.read for s in sources), default=None)

    # Names ---------------------------------------------------------------------------------------------

    def resolve_competition(self, text: str) -> Competition:
        slug = _resolve(
            self.competition_names, text, "competition",
            unknown="error.unknown_competition",
            describe=lambda key: f"`{key}`",
            hint=t("error.known_competitions",
                   names=", ".join(f"`{c.slug}` ({c.name})" for c in self.competitions.values())),
        )
        return self.competitions[slug]

    def resolve_game(self, text: str) -> Game:
        slug = _resolve(
            self.game_names, text, "game",
            unknown="error.unknown_game",
            describe=lambda key: f"**{self.games[key].title}** (`{key}`)",
            hint=t("error.known_games_hint"),
        )
        return self.games[slug]

    # Championships -------------------------------------------------------------------------------------

    def seasons_of(self, year: int | None = None, competition: str | None = None) -> list[Season]:
        """Seasons ordered by year, then competition order."""
        if year is not None and competition is not None:
            found = self._seasons.get((year, competition))
            return [found] if found else []
        if year is not None:
            return list(self._by_year.get(year, ()))
        if competition is not None:
            return list(self._by_competition.get(competition, ()))
        return list(self.seasons)

    def decided(self, year: int, competition: str) -> bool:
        """Whether `competition` has a concluded season in `year`."""
        season = self._seasons.get((year, competition))
        return season is not None and season.status == "concluded"

    def neighbours(self, year: int, competition: str) -> tuple[int | None, int | None]:
        """The concluded seasons of `competition` just before and just after `year`."""
        years = self.concluded.get(competition, ())
        at = bisect.bisect_left(years, year)
        after = bisect.bisect_right(years, year)
        return (years[at - 1] if at > 0 else None), (years[after] if after < len(years) else None)

    def champions(self, year: int, competition: Competition | None = None) -> list[Season]:
        """Every season of `year` (or just `competition`'s): concluded ones carry their standing."""
        self._check_year(year)
        seasons = self.seasons_of(year, competition.slug if competition else None)
        if not seasons and competition is not None:
            raise NotOnRecord(self._no_season_message(year, competition))
        if not any(s.status == "concluded" for s in seasons):
            if competition is None:
                raise NotOnRecord(t("error.year_undecided", year=year) + self._decided_at(year, None))
            raise NotOnRecord(t("error.season_undecided", year=year, competition=competition.name)
                              + self._decided_at(year, competition.slug))
        return seasons

    def podium(self, competition: Competition, year: int | None = None) -> Season:
        """The season standing of `competition` in `year` (default: its latest concluded season)."""
        if year is None:
            seasons = self.seasons_of(competition=competition.slug)
            concluded = [s for s in seasons if s.status == "concluded"]
            if concluded:
                return concluded[-1]
            if seasons:
                raise NotOnRecord(t("error.season_undecided", year=seasons[-1].year, competition=competition.name)
                                  + self._decided_at(seasons[-1].year, competition.slug))
            raise NotOnRecord(self._no_season_message(None, competition))
        self._check_year(year)
        season = self._seasons.get((year, competition.slug))
        if season is None:
            raise NotOnRecord(self._no_season_message(year, competition))
        if season.status != "concluded":
            raise NotOnRecord(t("error.season_undecided", year=year, competition=competition.name)
                              + self._decided_at(year, competition.slug))
        return season

    def deciding_event(self, year: int, competition: str | None) -> Event | None:
        """The event that decides a season: its World Finals, when on the calendar and not cancelled."""
        return next((e for e in self.events if e.season == year and e.kind == "world-finals" and not e.cancelled
                     and (competition is None or competition in e.competitions)), None)

    def _decided_at(self, year: int, competition: str | None) -> str:
        event = self.deciding_event(year, competition)
        if event is None:
            return ""
        return " " + t("error.decided_at", event=event.name, place=place_of(event), dates=event_dates(event))

    def parse_year(self, text: str) -> int:
        cleaned = clean_user_text(text)
        if not cleaned:
            raise BadInput(t("error.empty.year"))
        if not (cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 6):
            first, last = self._year_range()
            raise BadInput(t("error.bad_year", text=_quote(cleaned or text), first=first, last=last))
        return int(cleaned)

    def _year_range(self) -> tuple[int, int]:
        years = self.concluded_years or self.years
        if not years:
            raise NotOnRecord(t("error.no_seasons"))
        return years[0], years[-1]

    def _check_year(self, year: int) -> None:
        first, last = self._year_range()
        if year in self._year_set:
            return
        on_record = t("error.seasons_on_record", first=first, last=last)
        if last < year <= self.clock.now().year + 1:
            raise NotOnRecord(t("error.future_year", year=year) + " " + on_record)
        raise NotOnRecord(t("error.no_year", year=year) + " " + on_record)

    def _no_season_message(self, year: int | None, competition: Competition) -> str:
        years = list(self.years)
        on_record = t("error.seasons_on_record", first=years[0], last=years[-1]) if years else ""
        said = (t("error.no_season", competition=competition.name, year=year) if year is not None
                else t("error.no_season_any", competition=competition.name))
        return f"{said} {on_record}".strip()

    # Calendar ------------------------------------------------------------------------------------------

    def schedule(self, season: int | None = None) -> Schedule:
        """A season's calendar, past and upcoming (default: the season under way, else the latest)."""
        seasons = self.event_seasons
        if not seasons:
            raise NotOnRecord(t("error.no_calendar"))
        if season is None:
            upcoming = self.upcoming_events(1)
            season = upcoming[0].season if upcoming else seasons[-1]
        if season not in seasons:
            raise NotOnRecord(t("error.no_schedule", season=season, first=seasons[0], last=seasons[-1]))
        return Schedule(season, self._events_by_season.get(season, ()), seasons)

    def upcoming_events(self, limit: int = 3) -> list[Event]:
        """The next events that are not over and not cancelled, soonest first."""
        now = self.clock.now()
        if self._upcoming is None or not self._upcoming[0] <= now < self._upcoming[1]:
            upcoming = tuple(e for e in self.events if not e.cancelled and not e.is_over(now))
            # Valid until the soonest of them is over (none becomes upcoming again: the data only changes on a load).
            until = min((e.over_at() for e in upcoming), default=datetime.max.replace(tzinfo=UTC))
            self._upcoming = (now, until, upcoming)
        return list(self._upcoming[2][:limit])

    # Releases ------------------------------------------------------------------------------------------

    def timeline(self, limit_recent: int = 10) -> Timeline:
        """Upcoming releases (soonest first), then recent ones (newest first).

        A release with an exact time is upcoming until that instant; one known by its day, month or year until
        the last day it could fall on has passed (in UTC).
        """
        now = self.clock.now()
        cached = self._timeline
        if cached is not None and cached[0] <= now < cached[1] and cached[2] == limit_recent:
            return cached[3]
        entries = [(g, r) for g in self.games.values() for r in g.releases]

        def is_upcoming(release: Release) -> bool:
            instant = release.instant()
            return instant > now if instant else release.date.last_day() >= now.date()

        upcoming = sorted((e for e in entries if is_upcoming(e[1])), key=lambda e: _release_order(e[1]))
        recent = sorted((e for e in entries if not is_upcoming(e[1])), key=lambda e: _release_order(e[1]),
                        reverse=True)
        timeline = Timeline(tuple(upcoming), tuple(recent[:limit_recent]))
        # It changes at the next exact release instant, or at the next UTC midnight (a day has passed).
        midnight = datetime.combine(now.date() + timedelta(days=1), time(0, 0), tzinfo=UTC)
        instants = [i for _, r in upcoming if (i := r.instant()) is not None]
        self._timeline = (now, min([midnight, *instants]), limit_recent, timeline)
        return timeline

    # About ---------------------------------------------------------------------------------------------

    def coverage(self) -> Coverage:
        first, last = self._year_range()
        return Coverage(
            competitions=tuple(self.competitions.values()),
            first_year=first,
            last_year=last,
            seasons=self.season_count,
            games=len(self.games),
            sources=self.source_count,
            last_checked=self.last_checked,
            events=len(self.events),
        )

    def sources_for(self, ids: Iterable[str]) -> dict[str, Source]:
        return {i: self.sources[i] for i in dict.fromkeys(ids) if i in self.sources}


class Services:
    """The current snapshot of the dataset, and the store and clock it came from."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._snapshot: Snapshot | None = None

    @property
    def catalog(self) -> Snapshot:
        """The snapshot answering now. Take it once per question (see Snapshot)."""
        if self._snapshot is None:
            raise RuntimeError("Services.refresh() must run before questions are answered")
        return self._snapshot

    async def refresh(self) -> Snapshot:
        """Read the dataset from the store into a new snapshot and answer from it from now on."""
        # Read as of one moment: a load committed meanwhile (another process's) is either all in it or not at all.
        read = await self.store.dataset.everything()
        snapshot = Snapshot(read.competitions, read.seasons, read.games, read.sources, read.events, self.clock,
                            read.content_hash)
        self._snapshot = snapshot  # one assignment: questions already under way keep the snapshot they took
        return snapshot

    def resolve_game(self, text: str) -> Game:
        return self.catalog.resolve_game(text)

    def resolve_competition(self, text: str) -> Competition:
        return self.catalog.resolve_competition(text)

    def parse_year(self, text: str) -> int:
        return self.catalog.parse_year(text)


def place_of(event: Event) -> str:
    """Where an event is held, as members read it: "Tokyo, Japan", "online"."""
    if event.online:
        return t("event.online")
    country = country_name(event.country)
    parts = [p for p in (event.venue, event.city, country) if p]
    return ", ".join(dict.fromkeys(parts))


def event_dates(event: Event) -> str:
    """ "5–6 December 2026", "December 2026 (day not announced)"; an exact time is left to the reader's clock."""
    start, end = event.start.date, (event.end.date if event.end else None)
    return day_range(start, end)


def _release_order(release: Release) -> tuple[object, ...]:
    # Same first day: an exact time first (by time), then the day, then the wider month or year.
    return (release.date.first_day(), release.date.last_day(), release.time_utc or time.max, release.key)


def _resolve(index: NameIndex, text: str, what: str, *, unknown: str, describe: Callable[[str], str],
             hint: str) -> str:
    """The key `text` names exactly, or UnknownName saying what is known and what came close."""
    cleaned = _checked_text(text, what)
    key = index.lookup(cleaned)
    if key is not None:
        return key
    suggestions = index.suggest(cleaned)
    message = t(unknown, text=_quote(cleaned))
    if suggestions:
        message += " " + t("error.did_you_mean", suggestions=listed([describe(s) for s in suggestions], style="or"))
    raise UnknownName(f"{message} {hint}", tuple(suggestions))


def _checked_text(text: str, what: str) -> str:
    cleaned = clean_user_text(text)
    if not cleaned:
        raise BadInput(t(f"error.empty.{what}"))
    if len(cleaned) > MAX_NAME_LENGTH:
        raise BadInput(t(f"error.too_long.{what}", length=len(cleaned), limit=MAX_NAME_LENGTH))
    return cleaned


_MARKUP = str.maketrans({"`": "'", "*": None, "_": " ", "~": None, "|": None, "[": "(", "]": ")", "<": None,
                         ">": None, "#": None})


def _quote(text: str) -> str:
    """User text echoed back: shortened, and unable to format, link or quote (no `[x](url)`, `<...>`, `#`)."""
    shortened = text if len(text) <= 40 else text[:39] + "…"
    return shortened.translate(_MARKUP)

