"""What the dataset announces once: a season's result when it first appears, and an event's cancellation.

Each is a key and a digest of what it says. The store records when a key first appeared and bumps its revision
when the digest changes (`bot/store/writes.py`, in the dataset load's transaction): a reload that changes nothing
announces nothing, and a changed result is one correction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.dataset.model import Dataset, Season

RESULT_PREFIX = "result:"
CANCELLED_PREFIX = "cancelled:"
# How long after it first appears in the data an announcement is posted: time for a maintainer who loaded a wrong
# result to load the fix before anyone reads it. A change within it is the same announcement, not a correction.
ANNOUNCE_AFTER = timedelta(minutes=1)


@dataclass(frozen=True)
class Recorded:
    """What the store knows of one announcement (table `announcement`)."""

    digest: str
    revision: int
    first_seen_at: datetime
    changed_at: datetime
    retracted_at: datetime | None


def result_key(year: int, competition: str) -> str:
    return f"{RESULT_PREFIX}{year}:{competition}"


def cancelled_key(event_id: str) -> str:
    return f"{CANCELLED_PREFIX}{event_id}"


def is_decided(season: Season) -> bool:
    return season.status == "concluded" and any(row.position == 1 for row in season.standing)


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def result_digest(season: Season) -> str:
    """What a results post says: the podium (names, countries, drivers) and which places are unconfirmed."""
    podium = [(row.position, row.name, row.country, [(m.name, m.country) for m in row.members])
              for row in season.standing if row.position <= 3]
    return _digest({"podium": podium, "unconfirmed": list(season.unconfirmed_positions)})


def announcements_of(dataset: Dataset) -> dict[str, str]:
    """Every key the dataset announces, with its digest."""
    found = {result_key(s.year, s.competition): result_digest(s) for s in dataset.seasons if is_decided(s)}
    found.update({cancelled_key(e.id): "cancelled" for e in dataset.events if e.cancelled})
    return found


def changes(recorded: dict[str, Recorded], announced: dict[str, str], now: datetime) -> dict[str, Recorded]:
    """The announcement rows a load writes (by key), given what was recorded and what the new dataset announces.

    - New: revision 0, first seen now.
    - Changed within ANNOUNCE_AFTER of appearing: the same revision (nothing was posted yet: no "correction").
    - Changed later: one more revision (one labelled correction to those who got it).
    - Gone from the data: marked retracted (its pending posts are cancelled by the re-plan).
    - Back after a retraction: news again, first seen now; a result with the podium it had is not posted again,
      a cancellation always is (the event was back on in between).
    """
    found: dict[str, Recorded] = {}
    for key, digest in sorted(announced.items()):
        old = recorded.get(key)
        if old is None:
            found[key] = Recorded(digest, 0, now, now, None)
        elif old.retracted_at is not None:
            same = digest == old.digest and key.startswith(RESULT_PREFIX)
            found[key] = Recorded(digest, old.revision if same else old.revision + 1,
                                  old.first_seen_at if same else now, old.changed_at if same else now, None)
        elif digest != old.digest:
            unposted = now < old.first_seen_at + ANNOUNCE_AFTER and old.revision == 0
            found[key] = Recorded(digest, old.revision if unposted else old.revision + 1, old.first_seen_at,
                                  old.changed_at if unposted else now, None)
    for key, old in sorted(recorded.items()):
        if key not in announced and old.retracted_at is None:
            found[key] = dataclasses.replace(old, retracted_at=now)
    return found
