"""Discord's limits and injected faults: per-route rate-limit buckets, the global
limit, forced 429s, 5xx injection and per-channel permission/existence errors.

The REST middleware asks :class:`FaultPlan` what to do with each request before the
route handler runs, and asks :class:`RateLimiter` for the bucket headers after.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import math
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

JSON = dict[str, Any]

# Discord error codes used by the stand-in.
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
ALREADY_ACKNOWLEDGED = 40060
INVALID_FORM_BODY = 50035
UNKNOWN_SCHEDULED_EVENT = 10070
MAX_SCHEDULED_EVENTS = 30038  # "Maximum number of uncompleted guild scheduled events reached (100)"
FINISHED_EVENT = 180000  # "Cannot update a finished event"

CHANNEL_FAULTS: dict[str, tuple[int, int, str]] = {
    "missing_permissions": (403, MISSING_PERMISSIONS, "Missing Permissions"),
    "missing_access": (403, MISSING_ACCESS, "Missing Access"),
    "unknown_channel": (404, UNKNOWN_CHANNEL, "Unknown Channel"),
}


def error_body(code: int, message: str) -> JSON:
    return {"message": message, "code": code}


def route_matches(pattern: str, method: str, path: str, template: str) -> bool:
    """Match ``pattern`` against a request.

    A pattern is an fnmatch glob over ``"METHOD /path"`` or just ``"/path"`` (any method),
    tried against both the concrete path (``/channels/12/messages``) and the route template
    (``/channels/{channel_id}/messages``).
    """
    pattern = pattern.strip()
    first, _, rest = pattern.partition(" ")
    if rest and first.isupper():
        if not fnmatch.fnmatchcase(method, first):
            return False
        pattern = rest.strip()
    return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(template, pattern) or template == pattern


@dataclass
class BucketConfig:
    limit: int
    window: float  # seconds until a full bucket resets


@dataclass
class _BucketState:
    remaining: int
    reset_at: float  # time.time() epoch seconds


@dataclass
class RateLimitDecision:
    headers: dict[str, str]
    limited: bool = False
    retry_after: float = 0.0
    is_global: bool = False
    scope: str = "user"


@dataclass
class _ForcedLimit:
    pattern: str
    remaining: int
    retry_after: float
    is_global: bool


class RateLimiter:
    """Per-route buckets (keyed by route template + major parameters) and the global limit.

    Defaults are deliberately generous (``default_limit`` per ``default_window`` seconds) so
    a normal test never waits; tighten a route with :meth:`configure`.
    Interaction callback and webhook routes are exempt from the global limit, as on Discord.
    """

    def __init__(
        self, *, default_limit: int = 50, default_window: float = 1.0, global_limit: int = 50,
        global_window: float = 1.0,
    ) -> None:
        self.default = BucketConfig(default_limit, default_window)
        self.global_limit = global_limit
        self.global_window = global_window
        self.enabled = True
        self._configs: list[tuple[str, BucketConfig]] = []
        self._buckets: dict[str, _BucketState] = {}
        self._global_hits: list[float] = []
        self._forced: list[_ForcedLimit] = []
        self.rate_limited_count = 0
        self.served_429: list[tuple[str, str, float, bool]] = []  # (method, path, retry_after, global)

    def configure(self, pattern: str, *, limit: int, window: float) -> None:
        """Give routes matching ``pattern`` their own bucket size (latest call wins)."""
        self._configs.insert(0, (pattern, BucketConfig(limit, window)))

    def force(self, pattern: str, *, count: int = 1, retry_after: float = 0.25, is_global: bool = False) -> None:
        """Answer the next ``count`` matching requests with 429 regardless of bucket state."""
        self._forced.append(_ForcedLimit(pattern, count, retry_after, is_global))

    def _config_for(self, method: str, path: str, template: str) -> BucketConfig:
        for pattern, cfg in self._configs:
            if route_matches(pattern, method, path, template):
                return cfg
        return self.default

    @staticmethod
    def bucket_hash(method: str, template: str) -> str:
        return hashlib.sha1(f"{method} {template}".encode()).hexdigest()[:16]

    def check(self, method: str, path: str, template: str, major: str) -> RateLimitDecision:
        now = time.time()
        cfg = self._config_for(method, path, template)
        bucket_id = self.bucket_hash(method, template)
        key = f"{bucket_id}:{major}"
        state = self._buckets.get(key)
        if state is None or now >= state.reset_at:
            state = _BucketState(remaining=cfg.limit, reset_at=now + cfg.window)
            self._buckets[key] = state

        def headers() -> dict[str, str]:
            reset_after = max(0.0, state.reset_at - now)
            return {
                "X-RateLimit-Limit": str(cfg.limit),
                "X-RateLimit-Remaining": str(state.remaining),
                "X-RateLimit-Reset": f"{state.reset_at:.3f}",
                "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                "X-RateLimit-Bucket": bucket_id,
            }

        if not self.enabled:
            return RateLimitDecision(headers={})

        for forced in self._forced:
            if forced.remaining > 0 and route_matches(forced.pattern, method, path, template):
                forced.remaining -= 1
                return self._limited(method, path, headers(), forced.retry_after, forced.is_global)

        exempt = path.startswith("/interactions/") or path.startswith("/webhooks/")
        if not exempt and self.global_limit > 0:
            window = self.global_window
            self._global_hits = [t for t in self._global_hits if now - t < window]
            if len(self._global_hits) >= self.global_limit:
                retry = max(0.001, window - (now - self._global_hits[0]))
                return self._limited(method, path, {}, retry, True)
            self._global_hits.append(now)

        if state.remaining <= 0:
            return self._limited(method, path, headers(), max(0.001, state.reset_at - now), False)
        state.remaining -= 1
        return RateLimitDecision(headers=headers())

    def _limited(
        self, method: str, path: str, headers: dict[str, str], retry_after: float, is_global: bool
    ) -> RateLimitDecision:
        self.rate_limited_count += 1
        self.served_429.append((method, path, retry_after, is_global))
        headers = dict(headers)
        headers["Retry-After"] = str(max(1, math.ceil(retry_after))) if retry_after >= 1 else f"{retry_after:.3f}"
        headers["X-RateLimit-Scope"] = "global" if is_global else "user"
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        return RateLimitDecision(
            headers=headers, limited=True, retry_after=retry_after, is_global=is_global,
            scope="global" if is_global else "user",
        )


@dataclass
class _ServerErrorFault:
    pattern: str
    remaining: int
    status: int


@dataclass
class ChannelFault:
    status: int
    code: int
    message: str
    methods: frozenset[str] | None = None  # None = every method


@dataclass
class FaultPlan:
    """Faults switched on by a test."""

    server_errors: list[_ServerErrorFault] = field(default_factory=list)
    channel_faults: dict[int, ChannelFault] = field(default_factory=dict)

    def add_server_errors(self, pattern: str, count: int, status: int) -> None:
        self.server_errors.append(_ServerErrorFault(pattern, count, status))

    def take_server_error(self, method: str, path: str, template: str) -> int | None:
        for fault in self.server_errors:
            if fault.remaining > 0 and route_matches(fault.pattern, method, path, template):
                fault.remaining -= 1
                return fault.status
        return None

    def channel_fault(self, channel_id: int | None, method: str) -> ChannelFault | None:
        if channel_id is None:
            return None
        fault = self.channel_faults.get(channel_id)
        if fault is None or (fault.methods is not None and method not in fault.methods):
            return None
        return fault


def json_response(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON response with exactly ``Content-Type: application/json`` (discord.py compares the
    header verbatim; aiohttp's json_response would add ``; charset=utf-8``)."""
    hdrs = {"Content-Type": "application/json"}
    if headers:
        hdrs.update(headers)
    return web.Response(body=json.dumps(data, separators=(",", ":")).encode(), status=status, headers=hdrs)
