-- The curated dataset (data/*.toml). Every row here is replaced as a whole when the dataset changes;
-- nothing a guild owns may ever live in these tables.
CREATE TABLE source (
    id        TEXT PRIMARY KEY,
    url       TEXT NOT NULL,
    publisher TEXT NOT NULL,
    title     TEXT NOT NULL,
    published TEXT NOT NULL DEFAULT '',
    read      TEXT NOT NULL,
    language  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE competition (
    slug       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    name_fr    TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL CHECK (kind IN ('driver', 'team')),
    sort_order INTEGER NOT NULL
);

CREATE TABLE competition_alias (
    competition TEXT NOT NULL REFERENCES competition (slug) ON DELETE CASCADE,
    alias       TEXT NOT NULL,
    PRIMARY KEY (competition, alias)
);

CREATE TABLE season (
    id                INTEGER PRIMARY KEY,
    year              INTEGER NOT NULL,
    competition       TEXT NOT NULL REFERENCES competition (slug) ON DELETE CASCADE,
    title             TEXT NOT NULL,
    series            TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('concluded', 'in-progress', 'scheduled')),
    format            TEXT NOT NULL CHECK (format IN ('driver', 'team')),
    world_final_date  TEXT,
    world_final_venue TEXT NOT NULL DEFAULT '',
    unconfirmed_positions TEXT NOT NULL DEFAULT '[]',  -- JSON list of podium places no source confirms
    UNIQUE (year, competition)
);

CREATE TABLE season_source (
    season_id INTEGER NOT NULL REFERENCES season (id) ON DELETE CASCADE,
    source_id TEXT NOT NULL REFERENCES source (id) ON DELETE CASCADE,
    ordinal   INTEGER NOT NULL,
    PRIMARY KEY (season_id, source_id)
);

-- A row of a classification: the season standing, or the World Final race where it differs.
CREATE TABLE placing (
    id             INTEGER PRIMARY KEY,
    season_id      INTEGER NOT NULL REFERENCES season (id) ON DELETE CASCADE,
    classification TEXT NOT NULL CHECK (classification IN ('standing', 'final_race')),
    ordinal        INTEGER NOT NULL,
    position       INTEGER NOT NULL CHECK (position >= 1),
    name           TEXT NOT NULL,
    country        TEXT NOT NULL,
    team           TEXT NOT NULL DEFAULT '',
    manufacturer   TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX placing_by_season ON placing (season_id, classification, ordinal);

CREATE TABLE placing_member (
    placing_id INTEGER NOT NULL REFERENCES placing (id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL,
    PRIMARY KEY (placing_id, ordinal)
);

CREATE TABLE placing_source (
    placing_id INTEGER NOT NULL REFERENCES placing (id) ON DELETE CASCADE,
    source_id  TEXT NOT NULL REFERENCES source (id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,
    PRIMARY KEY (placing_id, source_id)
);

CREATE TABLE game (
    slug       TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    parent     TEXT NOT NULL DEFAULT '',
    developer  TEXT NOT NULL DEFAULT '',
    publisher  TEXT NOT NULL DEFAULT '',
    sort_order INTEGER NOT NULL
);

CREATE TABLE game_alias (
    game  TEXT NOT NULL REFERENCES game (slug) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    PRIMARY KEY (game, alias)
);

-- Dates keep their precision: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; time_utc only with a day.
CREATE TABLE game_release (
    key       TEXT PRIMARY KEY,
    game      TEXT NOT NULL REFERENCES game (slug) ON DELETE CASCADE,
    ordinal   INTEGER NOT NULL,
    date      TEXT NOT NULL,
    time_utc  TEXT,
    platforms TEXT NOT NULL,
    region    TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX game_release_by_date ON game_release (date);

CREATE TABLE game_release_source (
    release_key TEXT NOT NULL REFERENCES game_release (key) ON DELETE CASCADE,
    source_id   TEXT NOT NULL REFERENCES source (id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL,
    PRIMARY KEY (release_key, source_id)
);

CREATE TABLE dataset_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
