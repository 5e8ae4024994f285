-- Small pieces of the bot's own state that must survive a restart, such as the hash of the command tree
-- last synced to Discord (so an unchanged tree is never synced again).
CREATE TABLE app_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
