"""`pitwall data check`: everything that must hold before the dataset may answer a question."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from bot.dataset.loader import read_dataset
from bot.dataset.model import Dataset, Event, Placing, Season
from bot.names import compact

PODIUM = (1, 2, 3)
_EVENT_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class CheckReport:
    dataset: Dataset
    problems: list[str] = field(default_factory=list)
    # Warnings do not fail the check: they point at facts that deserve a second source.
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def is_country_code(code: str) -> bool:
    return len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None


def _duplicates(values: Iterable[str]) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


def _check_sources(report: CheckReport) -> set[str]:
    ids = [source.id for source in report.dataset.sources]
    for duplicate in _duplicates(ids):
        report.problems.append(f"source id {duplicate!r} is defined more than once")
    for source in report.dataset.sources:
        if source.citation_only:
            if source.url:
                report.problems.append(f"source {source.id!r}: a citation-only source has no url")
        elif not source.url.startswith(("https://", "http://")):
            report.problems.append(f"source {source.id!r}: url must be http(s) (or the source citation_only)")
        if source.copy_url and not source.copy_url.startswith(("https://", "http://")):
            report.problems.append(f"source {source.id!r}: copy_url must be http(s)")
    return set(ids)


def _check_cited(report: CheckReport, cited: Iterable[str], known: set[str], where: str) -> None:
    cited = tuple(cited)
    if not cited:
        report.problems.append(f"{where}: no source")
    for source_id in cited:
        if source_id not in known:
            report.problems.append(f"{where}: cites unknown source {source_id!r}")


def _check_placing(report: CheckReport, row: Placing, team_kind: bool, where: str) -> None:
    if row.position < 1:
        report.problems.append(f"{where}: position must be 1 or more")
    if not is_country_code(row.country):
        report.problems.append(f"{where}: {row.country!r} is not an ISO 3166-1 alpha-2 country code")
    for member in row.members:
        if not is_country_code(member.country):
            report.problems.append(f"{where}: member {member.name!r} has invalid country {member.country!r}")
    if team_kind and not row.members and not row.note:
        report.problems.append(f"{where}: a team row needs its members, or a note saying why none are stored")
    if not team_kind and row.members:
        report.problems.append(f"{where}: a driver row cannot have members")


def _check_season(report: CheckReport, season: Season, kinds: dict[str, str], known: set[str]) -> None:
    where = f"season {season.year} {season.competition}"
    if season.competition not in kinds:
        report.problems.append(f"{where}: unknown competition")
    team_kind = season.format == "team"
    _check_cited(report, season.sources, known, where)
    if len(set(season.sources)) < 2:
        report.warnings.append(f"{where}: only one source; a second, independent one is wanted")
    for row in season.standing + season.final_race:
        _check_placing(report, row, team_kind, f"{where} #{row.position} {row.name}")
        _check_cited(report, row.sources or season.sources, known, f"{where} #{row.position}")
    positions = Counter(row.position for row in season.standing)
    for position, count in positions.items():
        tied = [row for row in season.standing if row.position == position]
        if count > 1 and not all(row.note for row in tied):
            report.problems.append(f"{where}: position {position} is shared; a tie needs a note citing it")
    if season.status == "concluded":
        missing = [p for p in PODIUM if p not in positions and not _covered_by_tie(p, positions)]
        declared = set(season.unconfirmed_positions)
        if set(missing) - declared:
            report.problems.append(
                f"{where}: concluded but podium position(s) {sorted(set(missing) - declared)} missing "
                "(list them in unconfirmed_positions if no source confirms them)"
            )
        if 1 in declared:
            report.problems.append(f"{where}: the champion cannot be unconfirmed in a concluded season")
        if declared - set(missing):
            report.problems.append(f"{where}: unconfirmed_positions lists places that are on record")
        for position in sorted(declared):
            report.warnings.append(f"{where}: podium place {position} not confirmed by any stored source")
    elif season.standing:
        report.problems.append(f"{where}: status {season.status!r} cannot have a standing yet")
    if season.world_final_date and season.world_final_date.year not in (season.year, season.year + 1):
        report.problems.append(f"{where}: world final date {season.world_final_date} is not in that season")


def _covered_by_tie(position: int, positions: Counter[int]) -> bool:
    """Positions skipped by a tie (two at 1, none at 2) are complete, as in any classification."""
    return any(p < position < p + count for p, count in positions.items())


def _check_competitions(report: CheckReport) -> dict[str, str]:
    competitions = report.dataset.competitions
    for duplicate in _duplicates(c.slug for c in competitions):
        report.problems.append(f"competition {duplicate!r} is defined more than once")
    names = [n for c in competitions for n in {compact(x) for x in (c.slug, c.name, c.name_fr, *c.aliases) if x}]
    for duplicate in _duplicates(names):
        report.problems.append(f"competition name or alias {duplicate!r} is used more than once")
    return {c.slug: c.kind for c in competitions}


def _check_games(report: CheckReport, known: set[str]) -> None:
    games = report.dataset.games
    slugs = {game.slug for game in games}
    for duplicate in _duplicates(game.slug for game in games):
        report.problems.append(f"game {duplicate!r} is defined more than once")
    names = [n for g in games for n in {compact(x) for x in (g.slug, g.title, *g.aliases)}]
    for duplicate in _duplicates(names):
        report.problems.append(f"game name or alias {duplicate!r} is used by more than one game")
    for game in games:
        where = f"game {game.slug}"
        if game.kind not in ("game", "update", "dlc"):
            report.problems.append(f"{where}: kind must be game, update or dlc")
        if game.parent and game.parent not in slugs:
            report.problems.append(f"{where}: parent {game.parent!r} is not a game on record")
        if not game.releases:
            report.problems.append(f"{where}: no release")
        for release in game.releases:
            at = f"{where} release {release.key}"
            if not release.platforms:
                report.problems.append(f"{at}: no platform")
            if release.disputed_days:
                if release.date.precision == "day" or len(set(release.disputed_days)) < 2:
                    report.problems.append(f"{at}: disputed_days lists two days or more, and then `date` keeps "
                                           "only what the sources agree on (a month or a year)")
                if any(not release.date.first_day() <= d <= release.date.last_day() for d in release.disputed_days):
                    report.problems.append(f"{at}: a disputed day falls outside {release.date.iso()}")
            _check_cited(report, release.sources, known, at)
        for duplicate in _duplicates(release.key for release in game.releases):
            report.problems.append(f"{where}: release {duplicate!r} appears twice")


def _check_event(report: CheckReport, event: Event, competitions: set[str], known: set[str]) -> None:
    where = f"event {event.id}"
    if not _EVENT_ID.match(event.id) or not event.id.startswith(f"{event.season}-"):
        report.problems.append(f"{where}: id must be kebab-case and start with its season ({event.season}-)")
    if not event.competitions:
        report.problems.append(f"{where}: serves no competition")
    for slug in event.competitions:
        if slug not in competitions:
            report.problems.append(f"{where}: unknown competition {slug!r}")
    if event.online and (event.city or event.venue or event.country):
        report.problems.append(f"{where}: an online event has no city, venue or country")
    if not event.online:
        if not event.city:
            report.problems.append(f"{where}: an event held somewhere needs its city (or `online = true`)")
        if not is_country_code(event.country):
            report.problems.append(f"{where}: {event.country!r} is not an ISO 3166-1 alpha-2 country code")
    first = event.start.date.first_day()
    if not event.season - 1 <= first.year <= event.season + 1:
        report.problems.append(f"{where}: starts in {first.year}, outside its {event.season} season")
    if event.end is not None and event.end.date.last_day() < first:
        report.problems.append(f"{where}: ends before it starts")
    start, end = event.start.instant(), event.end.instant() if event.end else None
    if start is not None and end is not None and end <= start:
        report.problems.append(f"{where}: ends before it starts")
    if event.status == "moved":
        if event.moved_from is None:
            report.problems.append(f"{where}: a moved event keeps the start it moved from (`moved_from`)")
        elif event.moved_from == event.start:
            report.problems.append(f"{where}: moved_from is its current start")
    elif event.moved_from is not None or event.moved_from_place:
        report.problems.append(f"{where}: only a moved event has `moved_from`")
    if event.cancelled and event.results:
        report.problems.append(f"{where}: a cancelled event has no results")
    _check_cited(report, event.sources, known, where)
    for result in event.results:
        at = f"{where} result {result.competition} #{result.placing.position}"
        if result.competition not in event.competitions:
            report.problems.append(f"{at}: the event does not serve {result.competition!r}")
        # A winning team lists its drivers; a driver has none. The row says which it is.
        _check_placing(report, result.placing, bool(result.placing.members), at)
        _check_cited(report, result.placing.sources or event.sources, known, at)


def _check_finals_agree(report: CheckReport) -> None:
    """A season's World Final date must fall within its World Finals event, when both are on record."""
    finals = [e for e in report.dataset.events if e.kind == "world-finals" and not e.cancelled]
    for season in report.dataset.seasons:
        if season.world_final_date is None:
            continue
        for event in finals:
            if event.season == season.year and season.competition in event.competitions and not (
                    event.start.date.first_day() <= season.world_final_date <= event.last_day()):
                report.problems.append(
                    f"season {season.year} {season.competition}: world final date {season.world_final_date} is "
                    f"outside event {event.id} ({event.start.iso()}–{(event.end or event.start).iso()})")


def check_dataset(data_dir: Path) -> CheckReport:
    """Read and validate the dataset in `data_dir`; the report lists every problem found."""
    dataset, structural = read_dataset(data_dir)
    report = CheckReport(dataset=dataset, problems=list(structural))
    known_sources = _check_sources(report)
    kinds = _check_competitions(report)
    seasons = [(s.year, s.competition) for s in dataset.seasons]
    for year, competition in _duplicates_pairs(seasons):
        report.problems.append(f"season {year} {competition} is defined more than once")
    for season in dataset.seasons:
        _check_season(report, season, kinds, known_sources)
    _check_games(report, known_sources)
    for duplicate in _duplicates(event.id for event in dataset.events):
        report.problems.append(f"event {duplicate!r} is defined more than once")
    for event in dataset.events:
        _check_event(report, event, set(kinds), known_sources)
    _check_finals_agree(report)
    return report


def _duplicates_pairs(pairs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    return sorted(pair for pair, count in Counter(pairs).items() if count > 1)
