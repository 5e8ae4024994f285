"""Why something stopped, as the database keeps it: a code and its parameters, never a sentence.

A subscription's pause (`subscription.paused_reason`) and a reminder's last failure (`reminder.last_error`) are
stored as `Reason.encode()`: the bare code ("admin"), or a JSON object with the code and its parameters
(`{"code": "discord-refused", "status": 403, "error": 50007}`; "code" is the reason's own). The admin reads `text()`
in their own language (`reason.<code>` in the catalogues); a log line reads `str()`, the encoded form, the same in
every language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from bot.text import keys, t

# Pauses: what stopped a subscription.
PAUSED_BY_ADMIN = "admin"
MISSING_ACCESS = "missing-access"
MISSING_PERMISSIONS = "missing-permissions"
UNKNOWN_CHANNEL = "unknown-channel"
DISCORD_REFUSED = "discord-refused"
# A reminder's last failure, for the operator (not shown to members).
PAST_GRACE = "past-grace"
RELEASE_GONE = "release-gone"
AWAITING_REPLAN = "awaiting-replan"
DISCORD_REJECTED = "discord-rejected"
HTTP_FAILURE = "http"
NETWORK_FAILURE = "network"
OUTCOME_UNKNOWN = "outcome-unknown"
INTERNAL_ERROR = "internal"
# A sentence stored by a version before reasons were codes, that the migration could not map to one.
LEGACY = "legacy"


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, str | int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if "code" in self.params:
            raise ValueError("a reason's parameter may not be called 'code' (the reason's own code is)")

    def encode(self) -> str:
        return self.code if not self.params else json.dumps({"code": self.code, **self.params}, sort_keys=True)

    @classmethod
    def decode(cls, stored: str) -> Reason:
        if stored.startswith("{"):
            try:
                found = json.loads(stored)
            except ValueError:
                return cls(LEGACY, {"text": stored})
            if isinstance(found, dict) and isinstance(found.get("code"), str):
                code = found.pop("code")
                return cls(code, {k: v for k, v in found.items() if isinstance(v, str | int)})
        return cls(stored)

    def text(self) -> str:
        """What the reason says, in the current language."""
        key = f"reason.{self.code}"
        if key not in keys():
            return self.code
        try:
            return t(key, **self.params)
        except (KeyError, IndexError):  # a parameter this version's sentence does not expect: say the code
            return self.code

    def __str__(self) -> str:
        return self.encode()


def reason_text(stored: str) -> str:
    """A stored reason, in the reader's language."""
    return Reason.decode(stored).text()
