-- The order of a competition's or game's aliases as a column rather than SQLite's rowid, which PostgreSQL does not
-- have: the same reads serve both backends.
ALTER TABLE competition_alias ADD COLUMN ordinal INTEGER NOT NULL DEFAULT 0;
UPDATE competition_alias SET ordinal = rowid;
ALTER TABLE game_alias ADD COLUMN ordinal INTEGER NOT NULL DEFAULT 0;
UPDATE game_alias SET ordinal = rowid;
