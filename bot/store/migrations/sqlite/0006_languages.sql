-- The language of a server's reminders and announcements: one an admin chose (`/settings language`), or NULL to
-- follow the server's Discord preferred locale, recorded as the gateway and interactions report it.
ALTER TABLE guild_settings ADD COLUMN language TEXT;
ALTER TABLE guild_settings ADD COLUMN discord_locale TEXT;

-- Reasons are codes now (bot/reasons.py), rendered in the reader's language: rewrite the English sentences earlier
-- versions stored. Anything not recognised is kept, word for word, as a "legacy" reason.
UPDATE subscription SET paused_reason = CASE paused_reason
        WHEN 'paused by an admin' THEN 'admin'
        WHEN 'I can no longer see that channel (Missing Access)' THEN 'missing-access'
        WHEN 'I am missing permissions to post there (View Channel, Send Messages, Embed Links)'
            THEN 'missing-permissions'
        WHEN 'the channel no longer exists (Unknown Channel)' THEN 'unknown-channel'
        ELSE json_object('code', 'legacy', 'text', paused_reason) END
    WHERE paused_reason IS NOT NULL AND paused_reason NOT LIKE '{%'
      AND paused_reason NOT IN ('admin', 'missing-access', 'missing-permissions', 'unknown-channel');

UPDATE reminder SET last_error = CASE
        WHEN last_error = 'the release is gone' THEN 'release-gone'
        WHEN last_error = 'waiting for the re-plan' THEN 'awaiting-replan'
        WHEN last_error = 'outcome-unknown' THEN 'outcome-unknown'
        WHEN last_error LIKE 'due %, past the grace window'
            THEN json_object('code', 'past-grace', 'due', substr(last_error, 5, length(last_error) - 27))
        ELSE json_object('code', 'legacy', 'text', last_error) END
    WHERE last_error IS NOT NULL AND last_error NOT LIKE '{%'
      AND last_error NOT IN ('release-gone', 'awaiting-replan', 'outcome-unknown');

