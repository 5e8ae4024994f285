"""Read `data/*.toml` into a Dataset, collecting every problem instead of stopping at the first."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.dataset.model import (
    EVENT_KINDS,
    EVENT_STATUSES,
    Competition,
    Dataset,
    Event,
    EventResult,
    EventTime,
    Game,
    Member,
    Placing,
    Release,
    ReleaseDate,
    Season,
    Source,
)

T = TypeVar("T")
Table = dict[str, Any]


class DatasetError(Exception):
    """The dataset cannot be used as it is; `problems` lists every reason, each with where it is."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the dataset:\n- " + "\n- ".join(problems))
        self.problems = problems


def content_hash(data_dir: Path) -> str:
    """A hash of every dataset file's name and bytes: equal hashes mean nothing to reload."""
    digest = hashlib.sha256()
    for path in sorted(data_dir.glob("*.toml")):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


class _Reader:
    """Typed access to TOML tables that records a problem, with its place, instead of raising."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def get(self, table: Table, key: str, kind: type[T], where: str, default: T | None = None) -> T:
        value = table.get(key, default)
        if value is None:
            self.problems.append(f"{where}: missing `{key}`")
            return kind()
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            self.problems.append(f"{where}: `{key}` should be {kind.__name__}, got {type(value).__name__}")
            return kind()
        return value

    def text(self, table: Table, key: str, where: str, required: bool = True) -> str:
        value = self.get(table, key, str, where, None if required else "")
        if required and not value.strip():
            self.problems.append(f"{where}: `{key}` is empty")
        return value.strip()

    def strings(self, table: Table, key: str, where: str) -> tuple[str, ...]:
        values = self.get(table, key, list, where, [])
        if not all(isinstance(v, str) for v in values):
            self.problems.append(f"{where}: `{key}` should be a list of strings")
            return ()
        return tuple(v.strip() for v in values)

    def tables(self, table: Table, key: str, where: str) -> list[Table]:
        values = self.get(table, key, list, where, [])
        if not all(isinstance(v, dict) for v in values):
            self.problems.append(f"{where}: `{key}` should be a list of tables")
            return []
        return values

    def parsed(self, raw: str, parse: Callable[[str], T], where: str, what: str) -> T | None:
        if not raw:
            return None
        try:
            return parse(raw)
        except ValueError:
            self.problems.append(f"{where}: `{raw}` is not a valid {what}")
            return None


def _read_files(data_dir: Path, reader: _Reader) -> dict[str, Table]:
    documents: dict[str, Table] = {}
    for path in sorted(data_dir.glob("*.toml")):
        try:
            documents[path.name] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            reader.problems.append(f"{path.name}: not valid TOML: {exc}")
    if not documents:
        reader.problems.append(f"{data_dir}: no *.toml dataset files")
    return documents


def _source(reader: _Reader, raw: Table, where: str) -> Source:
    read = reader.parsed(reader.text(raw, "read", where), date.fromisoformat, where, "date")
    reader.get(raw, "title_descriptive", bool, where, False)  # documentation only, but it must be a boolean
    return Source(
        id=reader.text(raw, "id", where),
        url=reader.text(raw, "url", where, required=False),  # empty only when citation_only (see check)
        publisher=reader.text(raw, "publisher", where),
        title=reader.text(raw, "title", where),
        published=_partial_date(reader, reader.text(raw, "published", where, required=False), where),
        read=read or date.min,
        language=reader.text(raw, "language", where, required=False),
        copy_url=reader.text(raw, "copy_url", where, required=False),
        citation_only=reader.get(raw, "citation_only", bool, where, False),
    )


def _partial_date(reader: _Reader, raw: str, where: str) -> str:
    parsed = reader.parsed(raw, ReleaseDate.parse, where, "YYYY[-MM[-DD]] date")
    return parsed.iso() if parsed else ""


def _competition(reader: _Reader, raw: Table, where: str, order: int) -> Competition:
    kind = reader.text(raw, "kind", where)
    if kind not in ("driver", "team"):
        reader.problems.append(f"{where}: kind must be \"driver\" or \"team\", not {kind!r}")
    return Competition(
        slug=reader.text(raw, "slug", where),
        name=reader.text(raw, "name", where),
        name_fr=reader.text(raw, "name_fr", where, required=False),
        kind="team" if kind == "team" else "driver",
        aliases=reader.strings(raw, "aliases", where),
        order=order,
    )


def _placing(reader: _Reader, raw: Table, where: str) -> Placing:
    members = []
    for index, member in enumerate(reader.tables(raw, "members", where)):
        at = f"{where} member {index + 1}"
        members.append(Member(reader.text(member, "name", at), reader.text(member, "country", at).upper()))
    return Placing(
        position=reader.get(raw, "position", int, where),
        name=reader.text(raw, "name", where),
        country=reader.text(raw, "country", where).upper(),
        team=reader.text(raw, "team", where, required=False),
        manufacturer=reader.text(raw, "manufacturer", where, required=False),
        members=tuple(members),
        note=reader.text(raw, "note", where, required=False),
        sources=reader.strings(raw, "sources", where),
    )


def _season(reader: _Reader, raw: Table, where: str, kinds: dict[str, str]) -> Season:
    year = reader.get(raw, "year", int, where)
    competition = reader.text(raw, "competition", where)
    where = f"{where} ({year} {competition})"
    status = reader.text(raw, "status", where)
    if status not in ("concluded", "in-progress", "scheduled"):
        reader.problems.append(f"{where}: status must be concluded, in-progress or scheduled, not {status!r}")
    final_date = reader.text(raw, "world_final_date", where, required=False)
    season_format = reader.text(raw, "format", where, required=False) or kinds.get(competition, "driver")
    if season_format not in ("driver", "team"):
        reader.problems.append(f"{where}: format must be \"driver\" or \"team\", not {season_format!r}")
    return Season(
        year=year,
        competition=competition,
        title=reader.text(raw, "title", where),
        series=reader.text(raw, "series", where),
        status=cast(Any, status),
        format="team" if season_format == "team" else "driver",
        world_final_date=reader.parsed(final_date, date.fromisoformat, where, "date"),
        world_final_venue=reader.text(raw, "world_final_venue", where, required=False),
        sources=reader.strings(raw, "sources", where),
        standing=tuple(
            _placing(reader, row, f"{where} standing {i + 1}")
            for i, row in enumerate(reader.tables(raw, "standing", where))
        ),
        final_race=tuple(
            _placing(reader, row, f"{where} final_race {i + 1}")
            for i, row in enumerate(reader.tables(raw, "final_race", where))
        ),
        unconfirmed_positions=tuple(reader.get(raw, "unconfirmed_positions", list, where, [])),
        competition_name=reader.text(raw, "competition_name", where, required=False),
    )


def _game(reader: _Reader, raw: Table, where: str) -> Game:
    slug = reader.text(raw, "slug", where)
    where = f"{where} ({slug})"
    releases = []
    seen_keys: dict[str, int] = {}
    for index, row in enumerate(reader.tables(raw, "release", where)):
        at = f"{where} release {index + 1}"
        when = reader.parsed(reader.text(row, "date", at), ReleaseDate.parse, at, "YYYY[-MM[-DD]] date")
        at_time = reader.parsed(reader.text(row, "time_utc", at, required=False), time.fromisoformat, at, "time")
        if at_time is not None and when is not None and when.precision != "day":
            reader.problems.append(f"{at}: time_utc needs a full date (a day), not {when.iso()}")
        region = reader.text(row, "region", at)
        platforms = reader.strings(row, "platforms", at)
        # A stable key lets later features (reminders) point at a release across dataset reloads.
        base_key = f"{slug}:{region.lower()}"
        seen_keys[base_key] = seen_keys.get(base_key, 0) + 1
        key = base_key if seen_keys[base_key] == 1 else f"{base_key}:{seen_keys[base_key]}"
        releases.append(
            Release(
                key=key,
                game=slug,
                date=when or ReleaseDate(1),
                time_utc=at_time,
                platforms=platforms,
                region=region,
                note=reader.text(row, "note", at, required=False),
                sources=reader.strings(row, "sources", at),
                early_access=reader.get(row, "early_access", bool, at, False),
                disputed_days=tuple(sorted(
                    day for raw_day in reader.strings(row, "disputed_days", at)
                    if (day := reader.parsed(raw_day, date.fromisoformat, at, "date")) is not None)),
            )
        )
    return Game(
        slug=slug,
        title=reader.text(raw, "title", where),
        kind=reader.text(raw, "kind", where),
        parent=reader.text(raw, "parent", where, required=False),
        developer=reader.text(raw, "developer", where, required=False),
        publisher=reader.text(raw, "publisher", where, required=False),
        aliases=reader.strings(raw, "aliases", where),
        releases=tuple(releases),
    )


def _event_time(reader: _Reader, raw: Table, key: str, zone: str, where: str) -> EventTime | None:
    text = reader.text(raw, key, where, required=False)
    when = reader.parsed(text, lambda value: EventTime.parse(value, zone), where,
                         "YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM date")
    if when is not None and when.at is not None and not zone:
        reader.problems.append(f"{where}: `{key}` has a time, so the event needs its `zone`")
    return when


def _event(reader: _Reader, raw: Table, where: str) -> Event:
    event_id = reader.text(raw, "id", where)
    where = f"{where} ({event_id})"
    zone = reader.text(raw, "zone", where, required=False)
    if zone:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            reader.problems.append(f"{where}: `{zone}` is not an IANA time zone")
            zone = ""
    kind = reader.text(raw, "kind", where)
    if kind not in EVENT_KINDS:
        reader.problems.append(f"{where}: kind must be one of {', '.join(EVENT_KINDS)}, not {kind!r}")
    status = reader.text(raw, "status", where)
    if status not in EVENT_STATUSES:
        reader.problems.append(f"{where}: status must be one of {', '.join(EVENT_STATUSES)}, not {status!r}")
    results = []
    for index, row in enumerate(reader.tables(raw, "result", where)):
        at = f"{where} result {index + 1}"
        results.append(EventResult(reader.text(row, "competition", at), _placing(reader, row, at)))
    return Event(
        id=event_id,
        season=reader.get(raw, "season", int, where),
        name=reader.text(raw, "name", where),
        kind=cast(Any, kind),
        competitions=reader.strings(raw, "competitions", where),
        online=reader.get(raw, "online", bool, where, False),
        city=reader.text(raw, "city", where, required=False),
        venue=reader.text(raw, "venue", where, required=False),
        country=reader.text(raw, "country", where, required=False).upper(),
        start=_event_time(reader, raw, "start", zone, where) or EventTime(ReleaseDate(1)),
        end=_event_time(reader, raw, "end", zone, where),
        status=cast(Any, status),
        moved_from=_event_time(reader, raw, "moved_from", zone, where),
        moved_from_place=reader.text(raw, "moved_from_place", where, required=False),
        note=reader.text(raw, "note", where, required=False),
        sources=reader.strings(raw, "sources", where),
        results=tuple(results),
    )


def read_dataset(data_dir: Path) -> tuple[Dataset, list[str]]:
    """Parse every dataset file. Returns the dataset and the structural problems found (may be empty)."""
    reader = _Reader()
    documents = _read_files(data_dir, reader)
    sources: list[Source] = []
    competitions: list[Competition] = []
    seasons: list[Season] = []
    games: list[Game] = []
    events: list[Event] = []
    for name, document in documents.items():
        for i, raw in enumerate(reader.tables(document, "source", name)):
            sources.append(_source(reader, raw, f"{name} source {i + 1}"))
        for i, raw in enumerate(reader.tables(document, "competition", name)):
            competitions.append(_competition(reader, raw, f"{name} competition {i + 1}", len(competitions)))
    kinds: dict[str, str] = {c.slug: c.kind for c in competitions}
    for name, document in documents.items():
        for i, raw in enumerate(reader.tables(document, "season", name)):
            seasons.append(_season(reader, raw, f"{name} season {i + 1}", kinds))
        for i, raw in enumerate(reader.tables(document, "game", name)):
            games.append(_game(reader, raw, f"{name} game {i + 1}"))
        for i, raw in enumerate(reader.tables(document, "event", name)):
            events.append(_event(reader, raw, f"{name} event {i + 1}"))
    dataset = Dataset(
        sources=tuple(sources),
        competitions=tuple(competitions),
        seasons=tuple(seasons),
        games=tuple(games),
        content_hash=content_hash(data_dir),
        events=tuple(sorted(events, key=lambda e: (e.start.date.first_day(), e.id))),
    )
    return dataset, reader.problems
