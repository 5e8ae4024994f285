-- Guild-owned rows: settings, custom releases, subscriptions and their reminders. A dataset reload never
-- touches these tables. Instants are UTC ISO-8601 text; dates without a time stay dates.

CREATE TABLE guild_settings (
    guild_id      INTEGER PRIMARY KEY,
    timezone      TEXT NOT NULL DEFAULT 'UTC',         -- an IANA zone, e.g. Europe/Paris
    reminder_time TEXT NOT NULL DEFAULT '09:00',       -- local time used for releases known only by date
    updated_at    TEXT NOT NULL
);

-- A server's own release: an event, or a game the dataset does not have yet. Visible to that server only.
CREATE TABLE custom_release (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    slug       TEXT NOT NULL,
    name       TEXT NOT NULL,
    date       TEXT NOT NULL,                          -- YYYY-MM-DD
    time_utc   TEXT,                                   -- HH:MM in UTC when an exact time was given
    platforms  TEXT NOT NULL DEFAULT '[]',
    created_by INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (guild_id, slug)
);

CREATE TABLE subscription (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    target       TEXT,                                 -- a game slug or 'custom:<slug>'; NULL = every upcoming release
    offsets      TEXT NOT NULL,                        -- JSON list of offsets before the release: "7d", "2h", "0"
    role_id      INTEGER,                              -- the only role a reminder may ping
    created_by   INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    paused_reason TEXT,                                -- set when paused (by an admin or by Discord's refusal)
    paused_at    TEXT
);
CREATE INDEX subscription_by_guild ON subscription (guild_id);
CREATE INDEX subscription_by_channel ON subscription (channel_id);

-- One row per (subscription, release, offset): the unit that is posted exactly once.
-- AUTOINCREMENT: an id is never reused, so a nonce built from it never names an older message.
CREATE TABLE reminder (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER NOT NULL REFERENCES subscription (id) ON DELETE CASCADE,
    release_key     TEXT NOT NULL,
    offset          TEXT NOT NULL,                     -- "7d" (days on the wall clock), "2h", "30m", "0"
    release_on      TEXT NOT NULL,                     -- the release's own date (and UTC time) when planned
    anchor_at       TEXT NOT NULL,                     -- the release moment this reminder was planned for
    due_at          TEXT NOT NULL,
    attempt_at      TEXT NOT NULL,                     -- when to try next (due_at, or later after a failure)
    state           TEXT NOT NULL CHECK (state IN ('pending', 'claimed', 'sent', 'missed', 'cancelled')),
    generation      INTEGER NOT NULL DEFAULT 0,        -- bumped when the release moves; part of the nonce
    attempts        INTEGER NOT NULL DEFAULT 0,
    claimed_at      TEXT,
    sent_at         TEXT,
    message_id      INTEGER,
    last_error      TEXT,
    UNIQUE (subscription_id, release_key, offset)
);
CREATE INDEX reminder_due ON reminder (state, attempt_at);
