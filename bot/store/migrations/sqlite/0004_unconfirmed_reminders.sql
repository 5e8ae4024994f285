-- A reminder whose send may or may not have reached Discord, past the window in which Discord deduplicates its
-- nonce, is 'unconfirmed': never re-sent (that could post twice), shown to the admin. SQLite cannot change a CHECK
-- constraint in place, so the table is rebuilt with the same rows and ids. `first_sent_at` is when the current
-- generation's nonce was first used: past Discord's window from then, a send of unknown outcome is not repeated.
CREATE TABLE reminder_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER NOT NULL REFERENCES subscription (id) ON DELETE CASCADE,
    release_key     TEXT NOT NULL,
    offset          TEXT NOT NULL,
    release_on      TEXT NOT NULL,
    anchor_at       TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    attempt_at      TEXT NOT NULL,
    state           TEXT NOT NULL
                    CHECK (state IN ('pending', 'claimed', 'sent', 'missed', 'cancelled', 'unconfirmed')),
    generation      INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    claimed_at      TEXT,
    sent_at         TEXT,
    message_id      INTEGER,
    last_error      TEXT,
    first_sent_at   TEXT,
    UNIQUE (subscription_id, release_key, offset)
);
INSERT INTO reminder_new (id, subscription_id, release_key, offset, release_on, anchor_at, due_at, attempt_at, state,
                          generation, attempts, claimed_at, sent_at, message_id, last_error)
    SELECT id, subscription_id, release_key, offset, release_on, anchor_at, due_at, attempt_at, state,
           generation, attempts, claimed_at, sent_at, message_id, last_error FROM reminder;
-- Ids are never reused (a nonce built from one must never name an older message): carry the counter over.
DELETE FROM sqlite_sequence WHERE name = 'reminder_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'reminder_new', seq FROM sqlite_sequence WHERE name = 'reminder';
DROP TABLE reminder;
ALTER TABLE reminder_new RENAME TO reminder;
CREATE INDEX reminder_due ON reminder (state, attempt_at);
