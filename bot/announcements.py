"""What the dataset announces once: a season's result when it first appears, and an event's cancellation.

Each is a key and a digest of what it says. The store records when a key first appeared and bumps its revision
when the digest changes (`bot/store/writes.py`, in the dataset load's transaction): a reload that changes nothing
announces nothing, and a changed result is one correction.
"""

from __future__ import annotations

import hashlib
import json

from bot.dataset.model import Dataset, Season

RESULT_PREFIX = "result:"
CANCELLED_PREFIX = "cancelled:"


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
