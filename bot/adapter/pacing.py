"""Every REST request the bot makes, paced under Discord's global limit (interaction responses and webhooks are not
counted by Discord, so they are not held).

discord.py waits on the per-route buckets Discord reports in each response, and on a 429; it has no global limiter,
because Discord does not report the global limit ahead. Pacing only the reminder posts was not enough: a burst that
starts just after start-up shares its first second with the start-up requests (user, application, command sync),
which is one request too many. So the pacer sits in front of discord.py's `HTTPClient.request`.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from discord.http import HTTPClient, Route

from bot.reminders.dispatcher import Pacer

# Routes Discord does not count against the global limit.
EXEMPT_PREFIXES = ("/interactions/", "/webhooks/")


def install(http: HTTPClient, pacer: Pacer) -> None:
    """Make `http` wait for `pacer` before each counted request."""
    send: Callable[..., Awaitable[Any]] = http.request

    @functools.wraps(send)
    async def paced(route: Route, **kwargs: Any) -> Any:
        if not route.path.startswith(EXEMPT_PREFIXES):
            await pacer.wait()
        return await send(route, **kwargs)

    http.request = paced  # type: ignore[method-assign]
