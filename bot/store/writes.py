"""Writing the dataset and the bot's state. Always called inside a Store transaction."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from bot.dataset.model import Dataset, Placing

# Children go with their parents through ON DELETE CASCADE; only dataset tables are listed here.
_DATASET_TABLES = ("game", "season", "competition", "source", "dataset_meta")


async def replace_dataset(db: aiosqlite.Connection, dataset: Dataset, now: datetime) -> None:
    for table in _DATASET_TABLES:
        await db.execute(f"DELETE FROM {table}")  # noqa: S608 - table names are constants above
    await db.executemany(
        "INSERT INTO source (id, url, publisher, title, published, read, language) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (s.id, s.url, s.publisher, s.title, s.published, s.read.isoformat(), s.language)
            for s in dataset.sources
        ],
    )
    for competition in dataset.competitions:
        await db.execute(
            "INSERT INTO competition (slug, name, name_fr, kind, sort_order) VALUES (?, ?, ?, ?, ?)",
            (competition.slug, competition.name, competition.name_fr, competition.kind, competition.order),
        )
        await db.executemany(
            "INSERT INTO competition_alias (competition, alias) VALUES (?, ?)",
            [(competition.slug, alias) for alias in dict.fromkeys(competition.aliases)],
        )
    for season in dataset.seasons:
        cursor = await db.execute(
            "INSERT INTO season (year, competition, title, series, status, format, world_final_date,"
            " world_final_venue, unconfirmed_positions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (season.year, season.competition, season.title, season.series, season.status, season.format,
             season.world_final_date.isoformat() if season.world_final_date else None, season.world_final_venue,
             json.dumps(list(season.unconfirmed_positions))),
        )
        season_id = cursor.lastrowid
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
            "INSERT INTO game_alias (game, alias) VALUES (?, ?)",
            [(game.slug, alias) for alias in dict.fromkeys(game.aliases)],
        )
        for ordinal, release in enumerate(game.releases):
            await db.execute(
                "INSERT INTO game_release (key, game, ordinal, date, time_utc, platforms, region, note)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (release.key, game.slug, ordinal, release.date.iso(),
                 release.time_utc.strftime("%H:%M") if release.time_utc else None,
                 json.dumps(list(release.platforms)), release.region, release.note),
            )
            await db.executemany(
                "INSERT INTO game_release_source (release_key, source_id, ordinal) VALUES (?, ?, ?)",
                [(release.key, source, i) for i, source in enumerate(dict.fromkeys(release.sources))],
            )
    await db.executemany(
        "INSERT INTO dataset_meta (key, value) VALUES (?, ?)",
        [("content_hash", dataset.content_hash), ("loaded_at", now.isoformat())],
    )


async def _insert_placing(
    db: aiosqlite.Connection, season_id: int | None, classification: str, ordinal: int, row: Placing
) -> None:
    cursor = await db.execute(
        "INSERT INTO placing (season_id, classification, ordinal, position, name, country, team, manufacturer,"
        " note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (season_id, classification, ordinal, row.position, row.name, row.country, row.team, row.manufacturer,
         row.note),
    )
    placing_id = cursor.lastrowid
    await db.executemany(
        "INSERT INTO placing_member (placing_id, ordinal, name, country) VALUES (?, ?, ?, ?)",
        [(placing_id, i, member.name, member.country) for i, member in enumerate(row.members)],
    )
    await db.executemany(
        "INSERT INTO placing_source (placing_id, source_id, ordinal) VALUES (?, ?, ?)",
        [(placing_id, source, i) for i, source in enumerate(dict.fromkeys(row.sources))],
    )


async def set_state(db: aiosqlite.Connection, key: str, value: str, now: datetime) -> None:
    await db.execute(
        "INSERT INTO app_state (key, value, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (key, value, now.isoformat()),
    )
