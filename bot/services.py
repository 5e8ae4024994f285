"""The questions pitwall answers, in domain terms. Discord and the console both call these.

Name resolution, year checks and "not decided yet" live here, once, so every front gives the same answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, time

from bot.clock import Clock
from bot.dataset.model import Competition, Game, Release, Season, Source
from bot.errors import BadInput, NotOnRecord, UnknownName
from bot.names import MAX_NAME_LENGTH, NameIndex, clean_user_text
from bot.store import Store
from bot.text import t

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Catalog:
    """What names and autocomplete need, kept in memory and rebuilt whenever the dataset is reloaded."""

    competitions: dict[str, Competition]
    competition_names: NameIndex
    games: dict[str, Game]
    game_names: NameIndex
    years: tuple[int, ...]  # every year with a season on record
    concluded_years: tuple[int, ...]
    concluded: dict[str, tuple[int, ...]]  # competition slug → the years it has a concluded season
    season_count: int
    source_count: int
    last_checked: date | None  # the newest "read" date of any source


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


class Services:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._catalog: Catalog | None = None

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            raise RuntimeError("Services.refresh() must run before questions are answered")
        return self._catalog

    async def refresh(self) -> None:
        """Rebuild the in-memory catalog from the store (after a dataset load)."""
        competitions = await self.store.dataset.competitions()
        games = await self.store.dataset.games()
        seasons = await self.store.dataset.seasons()
        sources = await self.store.dataset.sources()
        self._catalog = Catalog(
            competitions={c.slug: c for c in competitions},
            competition_names=NameIndex.build((c.slug, c.name, (c.name_fr, *c.aliases)) for c in competitions),
            games={g.slug: g for g in games},
            game_names=NameIndex.build((g.slug, g.title, g.aliases) for g in games),
            years=tuple(sorted({s.year for s in seasons})),
            concluded_years=tuple(sorted({s.year for s in seasons if s.status == "concluded"})),
            concluded={c.slug: tuple(sorted({s.year for s in seasons if s.competition == c.slug
                                             and s.status == "concluded"})) for c in competitions},
            season_count=len(seasons),
            source_count=len(sources),
            last_checked=max((s.read for s in sources), default=None),
        )

    # Names ---------------------------------------------------------------------------------------------

    def resolve_competition(self, text: str) -> Competition:
        catalog = self.catalog
        slug = _resolve(
            catalog.competition_names, text, "competition",
            unknown="error.unknown_competition",
            describe=lambda key: f"`{key}`",
            hint=t("error.known_competitions",
                   names=", ".join(f"`{c.slug}` ({c.name})" for c in catalog.competitions.values())),
        )
        return catalog.competitions[slug]

    def resolve_game(self, text: str) -> Game:
        catalog = self.catalog
        slug = _resolve(
            catalog.game_names, text, "game",
            unknown="error.unknown_game",
            describe=lambda key: f"**{catalog.games[key].title}** (`{key}`)",
            hint=t("error.known_games_hint"),
        )
        return catalog.games[slug]

    # Championships -------------------------------------------------------------------------------------

    async def champions(self, year: int, competition: Competition | None = None) -> list[Season]:
        """Every season of `year` (or just `competition`'s): concluded ones carry their standing."""
        self._check_year(year)
        seasons = await self.store.dataset.seasons(year=year, competition=competition.slug if competition else None)
        if not seasons and competition is not None:
            raise NotOnRecord(self._no_season_message(year, competition))
        if not any(s.status == "concluded" for s in seasons):
            if competition is None:
                raise NotOnRecord(t("error.year_undecided", year=year))
            raise NotOnRecord(t("error.season_undecided", year=year, competition=competition.name))
        return seasons

    async def podium(self, competition: Competition, year: int | None = None) -> Season:
        """The season standing of `competition` in `year` (default: its latest concluded season)."""
        if year is None:
            seasons = await self.store.dataset.seasons(competition=competition.slug)
            concluded = [s for s in seasons if s.status == "concluded"]
            if concluded:
                return concluded[-1]
            if seasons:
                raise NotOnRecord(t("error.season_undecided", year=seasons[-1].year, competition=competition.name))
            raise NotOnRecord(self._no_season_message(None, competition))
        self._check_year(year)
        seasons = await self.store.dataset.seasons(year=year, competition=competition.slug)
        if not seasons:
            raise NotOnRecord(self._no_season_message(year, competition))
        if seasons[0].status != "concluded":
            raise NotOnRecord(t("error.season_undecided", year=year, competition=competition.name))
        return seasons[0]

    def parse_year(self, text: str) -> int:
        cleaned = clean_user_text(text)
        if not cleaned:
            raise BadInput(t("error.empty", what="year"))
        if not (cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 6):
            first, last = self._year_range()
            raise BadInput(t("error.bad_year", text=_quote(cleaned or text), first=first, last=last))
        return int(cleaned)

    def _year_range(self) -> tuple[int, int]:
        years = self.catalog.concluded_years or self.catalog.years
        if not years:
            raise NotOnRecord("No season is on record yet.")
        return years[0], years[-1]

    def _check_year(self, year: int) -> None:
        first, last = self._year_range()
        if year in self.catalog.years:
            return
        on_record = t("error.seasons_on_record", first=first, last=last)
        if last < year <= self.clock.now().year + 1:
            raise NotOnRecord(t("error.future_year", year=year) + " " + on_record)
        raise NotOnRecord(t("error.no_year", year=year) + " " + on_record)

    def _no_season_message(self, year: int | None, competition: Competition) -> str:
        years = [y for y in self.catalog.years]
        on_record = t("error.seasons_on_record", first=years[0], last=years[-1]) if years else ""
        return t("error.no_season", competition=competition.name, year=year or "any year") + " " + on_record

    # Releases ------------------------------------------------------------------------------------------

    def timeline(self, limit_recent: int = 10) -> Timeline:
        """Upcoming releases (soonest first), then recent ones (newest first).

        A release with an exact time is upcoming until that instant; one known by its day, month or year until
        the last day it could fall on has passed (in UTC).
        """
        now = self.clock.now()
        entries = [(g, r) for g in self.catalog.games.values() for r in g.releases]

        def is_upcoming(release: Release) -> bool:
            instant = release.instant()
            return instant > now if instant else release.date.last_day() >= now.date()

        upcoming = sorted((e for e in entries if is_upcoming(e[1])), key=lambda e: _release_order(e[1]))
        recent = sorted((e for e in entries if not is_upcoming(e[1])), key=lambda e: _release_order(e[1]),
                        reverse=True)
        return Timeline(tuple(upcoming), tuple(recent[:limit_recent]))

    # About ---------------------------------------------------------------------------------------------

    def coverage(self) -> Coverage:
        """What the dataset covers; it only changes with a reload, so the catalog already knows."""
        catalog = self.catalog
        first, last = self._year_range()
        return Coverage(
            competitions=tuple(catalog.competitions.values()),
            first_year=first,
            last_year=last,
            seasons=catalog.season_count,
            games=len(catalog.games),
            sources=catalog.source_count,
            last_checked=catalog.last_checked,
        )

    async def sources_for(self, ids: list[str]) -> list[Source]:
        return await self.store.dataset.sources(list(dict.fromkeys(ids)))


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
        message += " " + t("error.did_you_mean", suggestions=_or(describe(s) for s in suggestions))
    raise UnknownName(f"{message} {hint}", tuple(suggestions))


def _checked_text(text: str, what: str) -> str:
    cleaned = clean_user_text(text)
    if not cleaned:
        raise BadInput(t("error.empty", what=what))
    if len(cleaned) > MAX_NAME_LENGTH:
        raise BadInput(t("error.too_long", what=what, length=len(cleaned), limit=MAX_NAME_LENGTH))
    return cleaned


_MARKUP = str.maketrans({"`": "'", "*": None, "_": " ", "~": None, "|": None, "[": "(", "]": ")", "<": None,
                         ">": None, "#": None})


def _quote(text: str) -> str:
    """User text echoed back: shortened, and unable to format, link or quote (no `[x](url)`, `<...>`, `#`)."""
    shortened = text if len(text) <= 40 else text[:39] + "…"
    return shortened.translate(_MARKUP)


def _or(items: Iterable[str]) -> str:
    listed = list(items)
    if len(listed) <= 1:
        return "".join(listed)
    return ", ".join(listed[:-1]) + " or " + listed[-1]
