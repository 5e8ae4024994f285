"""Reading the dataset back into domain values. Few queries per question, all parameterised."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, time
from typing import Any

from bot.dataset.model import (
    Competition,
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
from bot.store.database import Params, Reads, Row


async def _rows(db: Reads, sql: str, params: Params = ()) -> list[Row]:
    return await db.fetchall(sql, params)


async def meta(db: Reads, key: str) -> str | None:
    rows = await _rows(db, "SELECT value FROM dataset_meta WHERE key = ?", (key,))
    return str(rows[0][0]) if rows else None


async def state(db: Reads, key: str) -> str | None:
    rows = await _rows(db, "SELECT value FROM app_state WHERE key = ?", (key,))
    return str(rows[0][0]) if rows else None


async def competitions(db: Reads) -> list[Competition]:
    aliases: dict[str, list[str]] = defaultdict(list)
    for slug, alias in await _rows(db, "SELECT competition, alias FROM competition_alias"
                                       " ORDER BY competition, ordinal"):
        aliases[slug].append(alias)
    return [
        Competition(slug, name, name_fr, kind, tuple(aliases[slug]), order)
        for slug, name, name_fr, kind, order in await _rows(
            db, "SELECT slug, name, name_fr, kind, sort_order FROM competition ORDER BY sort_order"
        )
    ]


async def seasons(db: Reads) -> list[Season]:
    """Every season with its classifications, ordered by year then competition order."""
    season_rows = await _rows(
        db,
        "SELECT s.id, s.year, s.competition, s.title, s.series, s.status, s.format, s.world_final_date,"
        " s.world_final_venue, s.unconfirmed_positions, s.competition_name"
        " FROM season s JOIN competition c ON c.slug = s.competition ORDER BY s.year, c.sort_order",
    )
    if not season_rows:
        return []
    # The id list travels as one parameter, so the SQL text never changes with the number of seasons.
    ids = (db.dialect.many(row[0] for row in season_rows),)
    season_sources: dict[int, list[str]] = defaultdict(list)
    for season_id, source_id in await _rows(
        db,
        f"SELECT season_id, source_id FROM season_source WHERE {db.dialect.any_of('season_id')}"  # noqa: S608
        " ORDER BY ordinal",
        ids,
    ):
        season_sources[season_id].append(source_id)
    placings = await _placings(db, ids)
    result = []
    for (season_id, year_, slug, title, series, status, season_format, final_date, venue, unconfirmed,
         competition_name) in season_rows:
        result.append(
            Season(
                year=year_, competition=slug, title=title, series=series, status=status, format=season_format,
                world_final_date=date.fromisoformat(final_date) if final_date else None,
                world_final_venue=venue, sources=tuple(season_sources[season_id]),
                standing=tuple(placings[(season_id, "standing")]),
                final_race=tuple(placings[(season_id, "final_race")]),
                unconfirmed_positions=tuple(json.loads(unconfirmed)),
                competition_name=competition_name,
            )
        )
    return result


async def _placings(db: Reads, ids: Params) -> dict[tuple[int, str], list[Placing]]:
    members: dict[int, list[Member]] = defaultdict(list)
    for placing_id, name, country in await _rows(
        db,
        'SELECT m.placing_id, m.name, m.country FROM placing_member m JOIN "placing" p ON p.id = m.placing_id'  # noqa: S608 - constants only
        f" WHERE {db.dialect.any_of('p.season_id')} ORDER BY m.placing_id, m.ordinal",
        ids,
    ):
        members[placing_id].append(Member(name, country))
    sources: dict[int, list[str]] = defaultdict(list)
    for placing_id, source_id in await _rows(
        db,
        'SELECT s.placing_id, s.source_id FROM placing_source s JOIN "placing" p ON p.id = s.placing_id'  # noqa: S608 - constants only
        f" WHERE {db.dialect.any_of('p.season_id')} ORDER BY s.placing_id, s.ordinal",
        ids,
    ):
        sources[placing_id].append(source_id)
    grouped: dict[tuple[int, str], list[Placing]] = defaultdict(list)
    for placing_id, season_id, classification, position, name, country, team, manufacturer, note in await _rows(
        db,
        'SELECT id, season_id, classification, position, name, country, team, manufacturer, note FROM "placing"'  # noqa: S608 - constants only
        f" WHERE {db.dialect.any_of('season_id')} ORDER BY season_id, classification, position, ordinal",
        ids,
    ):
        grouped[(season_id, classification)].append(
            Placing(position, name, country, team, manufacturer, tuple(members[placing_id]), note,
                    tuple(sources[placing_id]))
        )
    return grouped


async def games(db: Reads) -> list[Game]:
    aliases: dict[str, list[str]] = defaultdict(list)
    for slug, alias in await _rows(db, "SELECT game, alias FROM game_alias ORDER BY game, ordinal"):
        aliases[slug].append(alias)
    sources: dict[str, list[str]] = defaultdict(list)
    for key, source_id in await _rows(
        db, "SELECT release_key, source_id FROM game_release_source ORDER BY release_key, ordinal"
    ):
        sources[key].append(source_id)
    releases: dict[str, list[Release]] = defaultdict(list)
    for key, game, when, at, platforms, region, note, early, disputed in await _rows(
        db, "SELECT key, game, date, time_utc, platforms, region, note, early_access, disputed_days FROM game_release"
            " ORDER BY game, ordinal"
    ):
        releases[game].append(
            Release(key, game, ReleaseDate.parse(when), time.fromisoformat(at) if at else None,
                    tuple(json.loads(platforms)), region, note, tuple(sources[key]), bool(early),
                    tuple(date.fromisoformat(d) for d in json.loads(disputed)))
        )
    return [
        Game(slug, title, kind, parent, developer, publisher, tuple(aliases[slug]), tuple(releases[slug]))
        for slug, title, kind, parent, developer, publisher in await _rows(
            db, "SELECT slug, title, kind, parent, developer, publisher FROM game ORDER BY sort_order"
        )
    ]


async def sources(db: Reads) -> list[Source]:
    """Every source, by id."""
    return [Source(row[0], row[1], row[2], row[3], row[4], date.fromisoformat(row[5]), row[6], row[7], bool(row[8]))
            for row in await _rows(db, "SELECT id, url, publisher, title, published, read, language, copy_url,"
                                       " citation_only FROM source ORDER BY id")]


async def events(db: Reads) -> list[Event]:
    found = []
    for (id_, season, name, kind, competitions_, online, city, venue, country, start, end, zone, status, moved_from,
         moved_place, note, sources_, results) in await _rows(
        db, "SELECT id, season, name, kind, competitions, online, city, venue, country, start, end_on, zone, status,"
            " moved_from, moved_from_place, note, sources, results FROM event ORDER BY start, id"):
        found.append(Event(
            id_, season, name, kind, tuple(json.loads(competitions_)), bool(online), city, venue, country,
            EventTime.parse(start, zone), EventTime.parse(end, zone) if end else None, status,
            EventTime.parse(moved_from, zone) if moved_from else None, moved_place, note, tuple(json.loads(sources_)),
            tuple(_result(row) for row in json.loads(results))))
    return found


def _result(row: dict[str, Any]) -> EventResult:
    members = tuple(Member(m["name"], m["country"]) for m in row["members"])
    return EventResult(row["competition"], Placing(row["position"], row["name"], row["country"], row["team"],
                                                   row["manufacturer"], members, row["note"], tuple(row["sources"])))
