"""Point discord.py at another REST base and gateway (a proxy, or the local stand-in the tests use).

discord.py reads both from class attributes, so setting them before login is configuration, not a patch.
"""

from __future__ import annotations

import logging

import discord
import yarl

log = logging.getLogger(__name__)


def apply_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    if api_base:
        if not api_base.startswith(("http://", "https://")):
            raise ValueError("PITWALL_API_BASE must be an http(s) URL, e.g. http://127.0.0.1:8080/api/v10")
        discord.http.Route.BASE = api_base.rstrip("/")
        log.info("Discord REST base overridden: %s", _safe(api_base))
    if gateway_url:
        if not gateway_url.startswith(("ws://", "wss://")):
            raise ValueError("PITWALL_GATEWAY_URL must be a ws(s) URL, e.g. ws://127.0.0.1:8080/")
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
        log.info("Discord gateway overridden: %s", _safe(gateway_url))


def _safe(url: str) -> str:
    """The URL without any user:password a proxy URL may carry, for the log."""
    return str(yarl.URL(url).with_user(None))
