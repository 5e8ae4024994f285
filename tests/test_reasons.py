"""Why a subscription paused or a reminder failed: stored as a code, read in the admin's language."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.i18n import using
from bot.reasons import DISCORD_REFUSED, LEGACY, MISSING_ACCESS, PAST_GRACE, Reason, reason_text
from bot.store.sqlite import migrate
from bot.store.store import Store


def test_a_reason_with_parameters_round_trips_through_its_stored_form() -> None:
    reason = Reason(DISCORD_REFUSED, {"status": 403, "error": 50007})
    assert reason.encode() == '{"code": "discord-refused", "error": 50007, "status": 403}'
    assert Reason.decode(reason.encode()) == reason
    assert Reason.decode("admin") == Reason("admin")
    with pytest.raises(ValueError, match="code"):
        Reason(DISCORD_REFUSED, {"code": 1})  # it would overwrite the reason's own code when stored


@pytest.mark.parametrize(("locale", "expected"), [
    ("en-GB", "Discord refused to post there (HTTP 403, code 50007)"),
    ("fr", "Discord a refusé la publication dans ce salon (HTTP 403, code 50007)"),
    ("es-ES", "Discord rechazó la publicación allí (HTTP 403, código 50007)"),
])
def test_the_same_stored_reason_reads_in_each_language(locale: str, expected: str) -> None:
    with using(locale):
        assert reason_text('{"code": "discord-refused", "error": 50007, "status": 403}') == expected


def test_a_reason_this_version_does_not_know_is_shown_as_its_code_not_as_an_error() -> None:
    assert reason_text("some-future-code") == "some-future-code"
    assert reason_text('{"code": "discord-refused", "unexpected": 1}') == "discord-refused"
    assert reason_text("{not json") == "{not json"


async def test_the_languages_migration_turns_stored_english_reasons_into_codes(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as old:
        await migrate(old, target=5)
    with sqlite3.connect(path) as db:  # reasons as versions before 0006 wrote them
        for index, reason in enumerate(("paused by an admin", "I can no longer see that channel (Missing Access)",
                                        "Discord refused: 403 Forbidden")):
            db.execute("INSERT INTO subscription (id, guild_id, channel_id, target, offsets, created_by, created_at,"
                       " paused_reason, paused_at) VALUES (?, 1, ?, NULL, '[\"0\"]', 3, '2026-11-29T12:00:00+00:00',"
                       " ?, '2026-11-29T12:00:00+00:00')", (index + 1, index + 2, reason))
        for index, error in enumerate(("the release is gone", "due 2026-11-29T09:00:00+00:00, past the grace window",
                                       "HTTP 503 (code 0)")):
            db.execute("INSERT INTO reminder (id, subscription_id, release_key, offset, release_on, anchor_at,"
                       " due_at, attempt_at, state, last_error) VALUES (?, 1, ?, '0', 'd', 'a', 'b', 'c', 'missed', ?)",
                       (index + 1, f"k{index}", error))
    store = await Store.open(path)
    try:
        paused = [Reason.decode(row[0]) for row in await store.db.fetchall("SELECT paused_reason FROM subscription"
                                                                            " ORDER BY id")]
        assert paused == [Reason("admin"), Reason(MISSING_ACCESS),
                          Reason(LEGACY, {"text": "Discord refused: 403 Forbidden"})]
        with using("fr"):
            assert [r.text() for r in paused][:2] == ["mis en pause par un administrateur",
                                                      reason_text(MISSING_ACCESS)]
            assert paused[2].text() == "Discord refused: 403 Forbidden"  # kept word for word: nothing is lost
        errors = [Reason.decode(row[0])
                  for row in await store.db.fetchall("SELECT last_error FROM reminder ORDER BY id")]
        assert errors == [Reason("release-gone"), Reason(PAST_GRACE, {"due": "2026-11-29T09:00:00+00:00"}),
                          Reason(LEGACY, {"text": "HTTP 503 (code 0)"})]
    finally:
        await store.close()
