-- The live season: the World Series calendar, results announced once, Discord scheduled events, and the dataset
-- details a reader needs (a mirror beside its canonical page, early access, disputed days, a season's own name).

ALTER TABLE source ADD COLUMN copy_url TEXT NOT NULL DEFAULT '';          -- the mirror or proxy copy that was read
ALTER TABLE source ADD COLUMN citation_only INTEGER NOT NULL DEFAULT 0;   -- no public address: cited, not linked
ALTER TABLE season ADD COLUMN competition_name TEXT NOT NULL DEFAULT '';  -- what it was called that season
ALTER TABLE game_release ADD COLUMN early_access INTEGER NOT NULL DEFAULT 0;
ALTER TABLE game_release ADD COLUMN disputed_days TEXT NOT NULL DEFAULT '[]';  -- JSON list of YYYY-MM-DD

-- A dataset table (replaced with the rest on every load). Times keep their precision: 'YYYY-MM', 'YYYY-MM-DD' or
-- 'YYYY-MM-DDTHH:MM' local to `zone`; small lists (competitions, sources, results) are JSON.
CREATE TABLE event (
    id               TEXT PRIMARY KEY,
    season           INTEGER NOT NULL,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('qualifier', 'live', 'world-finals')),
    competitions     TEXT NOT NULL,
    online           INTEGER NOT NULL,
    city             TEXT NOT NULL DEFAULT '',
    venue            TEXT NOT NULL DEFAULT '',
    country          TEXT NOT NULL DEFAULT '',
    start            TEXT NOT NULL,
    end_on           TEXT,
    zone             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled', 'moved')),
    moved_from       TEXT,
    moved_from_place TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    sources          TEXT NOT NULL,
    results          TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX event_by_season ON event (season, start);

-- Not a dataset table: what the dataset has announced survives every reload. One row per thing worth one post
-- ('result:2026:nations-cup', 'cancelled:2026-round-3'): when it first appeared, and a digest of what it said, so
-- that a later change is one correction (revision + 1), and an unchanged reload is nothing.
CREATE TABLE announcement (
    key           TEXT PRIMARY KEY,
    digest        TEXT NOT NULL,
    revision      INTEGER NOT NULL DEFAULT 0,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    retracted_at  TEXT                                 -- the dataset no longer has it (a withdrawn result, an
                                                       -- event no longer cancelled); its return is news again
);

-- An event subscription may opt into one "cancelled" notice per cancelled event.
ALTER TABLE subscription ADD COLUMN notify_cancelled INTEGER NOT NULL DEFAULT 0;

-- Discord scheduled events a server opted into (`/settings discord-events`), and the one pitwall made for each
-- event or release: its Discord id (so a restart never creates a second one) and a digest of what was sent.
ALTER TABLE guild_settings ADD COLUMN discord_events INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_settings ADD COLUMN discord_events_paused TEXT;          -- a reason code when Discord refused
CREATE TABLE discord_event (
    guild_id    INTEGER NOT NULL,
    subject_key TEXT NOT NULL,                         -- 'event:<id>' or a release key
    discord_id  INTEGER NOT NULL,
    digest      TEXT NOT NULL,
    -- dismissed: deleted or ended on Discord by someone while still wanted; pitwall does not make it again
    state       TEXT NOT NULL CHECK (state IN ('scheduled', 'cancelled', 'dismissed')),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (guild_id, subject_key)
);

-- The stored dataset has none of the new facts: make the next start load it again.
DELETE FROM dataset_meta WHERE key = 'content_hash';
