"""The reminder state machine, in one place: its states, every transition, and who may make it.

```
             ┌────────────── replan: the release moved (generation + 1) ───────────────┐
             ▼                                                                           │
 ──plan──► pending ──claim──► claimed ──sent──────────► sent ────────────────────────────┤
             ▲  │               │ ├──missed (too late, or Discord rejected it)──► missed ─┤
             │  │               │ ├──cancelled (release gone)──► cancelled ───────────────┤
             │  │               │ └──unconfirmed (outcome unknown, nonce window over)──► unconfirmed
             │  └─cancelled (no longer planned)                                           │
             └──── retry (transient failure) · hold (channel refused: subscription paused) · requeue
                   · release (a stopping process gives back a claim it has not sent)
                   · defer (the data moved on and the re-plan has not reached this row yet: not sent)
```

- **plan / replan / cancel-unplanned**: the planner (`ReminderService` re-planning through `_apply_plan`), in the
  same transaction as the change that caused it. A replan of a *claimed* reminder only bumps its generation: the
  send in flight then belongs to an old date.
- **claim**: the dispatcher, atomically (one UPDATE … RETURNING), for due reminders of unpaused subscriptions.
- **sent, missed, cancelled, retry, hold, release**: the dispatcher settling a claim — always through one
  guarded function (`settle` in `bot/store/reminder_rows.py`) that applies the outcome only if the reminder is still
  claimed *and* still of the generation that was claimed. For a stale generation the outcome does nothing, and the
  reminder is requeued for its new due time (**requeue**): a send for an old date never counts for the new one.
- **unconfirmed**: a send whose outcome is unknown once Discord's nonce window is over, counted from the first
  time this generation's nonce was used (`first_sent_at`): at start-up, for a claim a stopped process left
  behind; and before a retry after a timeout or a 5xx, which may have posted. Never re-sent. Re-sending it could post
  twice, so it is never re-sent: it is counted in `/reminders list` as "not confirmed" for the admin to check. Within
  the window it is re-sent with the same nonce, and Discord returns the first message instead of posting another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

ReminderState = Literal["pending", "claimed", "sent", "missed", "cancelled", "unconfirmed"]
STATES: tuple[ReminderState, ...] = ("pending", "claimed", "sent", "missed", "cancelled", "unconfirmed")
# Settled states a moved release re-arms (with a new generation, so a new nonce).
REARMABLE: tuple[ReminderState, ...] = ("sent", "missed", "cancelled", "unconfirmed")

# Discord deduplicates an enforced nonce for "a few minutes". Trust it for less than that: past this, an
# unsettled claim is unconfirmed rather than re-sent.
NONCE_TRUST = timedelta(minutes=2)


@dataclass(frozen=True)
class Outcome:
    """How a claim ends: the state it moves to, and the columns it sets."""

    name: str
    state: ReminderState
    assignments: str  # SQL SET fragment with ? placeholders, a constant of this module


SENT = Outcome("sent", "sent", "sent_at = ?, message_id = ?, last_error = NULL")
MISSED = Outcome("missed", "missed", "last_error = ?")
CANCELLED = Outcome("cancelled", "cancelled", "last_error = ?")
RETRY = Outcome("retry", "pending", "attempt_at = ?, last_error = ?")
HOLD = Outcome("hold", "pending", "last_error = ?, first_sent_at = NULL")  # refused: certainly not posted
UNCONFIRMED = Outcome("unconfirmed", "unconfirmed", "last_error = ?")
RELEASED = Outcome("release", "pending", "last_error = ?, first_sent_at = NULL")  # given back, never sent
# Not sent: the data moved on while the plan has not caught up yet (a reload between its load and its re-plan).
# Tried again shortly, as if never claimed, once the re-plan has given it its new due time and generation.
DEFERRED = Outcome("defer", "pending",
                   "attempt_at = ?, last_error = ?, first_sent_at = NULL,"
                   " attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END")
OUTCOMES = (SENT, MISSED, CANCELLED, RETRY, HOLD, UNCONFIRMED, RELEASED, DEFERRED)
