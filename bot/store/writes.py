"""Writing the dataset and the bot's state. Always called inside a Store transaction."""

from __future__ import annotations

import json
from datetime import datetime

from bot.announcements import Recorded, announcements_of, changes
from bot.dataset.model import Dataset, EventResult, Placing
from bot.store.database import Rows, Transaction

# Children go with their parents through ON DELETE CASCADE; only dataset tables are listed here.
_DATASET_TABLES = ("event", "game", "season", "competition", "source", "dataset_meta")


async def replace_dataset(db: Transaction, dataset: Dataset, now: datetime) -> None:
    for table in _DATASET_TABLES:
        await db.execute(f"DELETE FROM {table}")  # noqa: S608 - table names are constants above
    await db.executemany(
        "INSERT INTO source (id, url, publisher, title, published, read, language, copy_url, citation_only)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (s.id, s.url, s.publisher, s.title, s.published, s.read.isoformat(), s.language, s.copy_url,
             int(s.citation_only))
            for s in dataset.sources
        ],
    )
    for competition in dataset.competitions:
        await db.execute(
            "INSERT INTO competition (slug, name, name_fr, kind, sort_order) VALUES (?, ?, ?, ?, ?)",
            (competition.slug, competition.name, competition.name_fr, competition.kind, competition.order),
        )
        await db.executemany(
            "INSERT INTO competition_alias (competition, alias, ordinal) VALUES (?, ?, ?)",
            [(competition.slug, alias, i) for i, alias in enumerate(dict.fromkeys(competition.aliases))],
        )
    for season in dataset.seasons:
        inserted = await db.fetchone(
            "INSERT INTO season (year, competition, title, series, status, format, world_final_date,"
            " world_final_venue, unconfirmed_positions, competition_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            (season.year, season.competition, season.title, season.series, season.status, season.format,
             season.world_final_date.isoformat() if season.world_final_date else None, season.world_final_venue,
             json.dumps(list(season.unconfirmed_positions)), season.competition_name),
        )
        assert inserted is not None
        season_id = inserted[0]
        await db.executemany(
            "INSERT INTO season_source (season_id, source_id, ordinal) VALUES (?, ?, ?)",
            [(season_id, source, i) for i, source in enumerate(dict.fromkeys(season.sources))],
        )
        for classification, rows in (("standing", season.standing), ("final_race", season.final_race)):
            for ordinal, row in enumerate(rows):
                await _insert_placing(db, season_id, classification, ordinal, row)
    for order, game in enumerate(dataset.games):
        await db.execute(
            "INSERT INTO game (slug, title, kind, parent, developer, publisher, sort_order)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (game.slug, game.title, game.kind, game.parent, game.developer, game.publisher, order),
        )
        await db.executemany(
            "INSERT INTO game_alias (game, alias, ordinal) VALUES (?, ?, ?)",
            [(game.slug, alias, i) for i, alias in enumerate(dict.fromkeys(game.aliases))],
        )
        for ordinal, release in enumerate(game.releases):
            await db.execute(
                "INSERT INTO game_release (key, game, ordinal, date, time_utc, platforms, region, note, early_access,"
                " disputed_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (release.key, game.slug, ordinal, release.date.iso(),
                 release.time_utc.strftime("%H:%M") if release.time_utc else None,
                 json.dumps(list(release.platforms)), release.region, release.note, int(release.early_access),
                 json.dumps([d.isoformat() for d in release.disputed_days])),
            )
            await db.executemany(
                "INSERT INTO game_release_source (release_key, source_id, ordinal) VALUES (?, ?, ?)",
                [(release.key, source, i) for i, source in enumerate(dict.fromkeys(release.sources))],
            )
    await db.executemany(
        "INSERT INTO event (id, season, name, kind, competitions, online, city, venue, country, start, end_on, zone,"
        " status, moved_from, moved_from_place, note, sources, results)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (e.id, e.season, e.name, e.kind, json.dumps(list(e.competitions)), int(e.online), e.city, e.venue,
             e.country, e.start.iso(), e.end.iso() if e.end else None, e.start.zone, e.status,
             e.moved_from.iso() if e.moved_from else None, e.moved_from_place, e.note, json.dumps(list(e.sources)),
             json.dumps([_result_json(r) for r in e.results]))
            for e in dataset.events
        ],
    )
    await note_announcements(db, announcements_of(dataset), now)
    await db.executemany(
        "INSERT INTO dataset_meta (key, value) VALUES (?, ?)",
        [("content_hash", dataset.content_hash), ("loaded_at", now.isoformat())],
    )


async def note_announcements(db: Transaction, digests: dict[str, str], now: datetime) -> None:
    """Record what the dataset announces (the rules are `bot.announcements.changes`), in the load's transaction."""
    rows = await db.fetchall("SELECT key, digest, revision, first_seen_at, changed_at, retracted_at"  # noqa: S608 - constants only
                             f" FROM announcement{db.dialect.lock_rows}")
    recorded = {row[0]: Recorded(row[1], row[2], datetime.fromisoformat(row[3]), datetime.fromisoformat(row[4]),
                                 datetime.fromisoformat(row[5]) if row[5] else None) for row in rows}
    await db.executemany(
        "INSERT INTO announcement (key, digest, revision, first_seen_at, changed_at, retracted_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET digest = excluded.digest,"
        " revision = excluded.revision, first_seen_at = excluded.first_seen_at, changed_at = excluded.changed_at,"
        " retracted_at = excluded.retracted_at",
        [(key, r.digest, r.revision, r.first_seen_at.isoformat(), r.changed_at.isoformat(),
          r.retracted_at.isoformat() if r.retracted_at else None)
         for key, r in changes(recorded, digests, now).items()],
    )


def _result_json(result: EventResult) -> dict[str, object]:
    row = result.placing
    return {"competition": result.competition, "position": row.position, "name": row.name, "country": row.country,
            "team": row.team, "manufacturer": row.manufacturer, "note": row.note, "sources": list(row.sources),
            "members": [{"name": m.name, "country": m.country} for m in row.members]}


async def _insert_placing(
    db: Transaction, season_id: int, classification: str, ordinal: int, row: Placing
) -> None:
    inserted = await db.fetchone(
        'INSERT INTO "placing" (season_id, classification, ordinal, position, name, country, team, manufacturer,'
        " note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (season_id, classification, ordinal, row.position, row.name, row.country, row.team, row.manufacturer,
         row.note),
    )
    assert inserted is not None
    placing_id = inserted[0]
    await db.executemany(
        "INSERT INTO placing_member (placing_id, ordinal, name, country) VALUES (?, ?, ?, ?)",
        [(placing_id, i, member.name, member.country) for i, member in enumerate(row.members)],
    )
    await db.executemany(
        "INSERT INTO placing_source (placing_id, source_id, ordinal) VALUES (?, ?, ?)",
        [(placing_id, source, i) for i, source in enumerate(dict.fromkeys(row.sources))],
    )


async def set_state(db: Rows, key: str, value: str, now: datetime) -> None:
    await db.execute(
        "INSERT INTO app_state (key, value, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (key, value, now.isoformat()),
    )
