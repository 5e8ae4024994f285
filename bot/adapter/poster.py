"""Posting a reminder through discord.py, and turning Discord's refusals into what the dispatcher needs."""

from __future__ import annotations

import logging

import aiohttp
import discord

from bot.adapter.embeds import to_embed
from bot.reasons import (
    DISCORD_REFUSED,
    DISCORD_REJECTED,
    HTTP_FAILURE,
    MISSING_ACCESS,
    MISSING_PERMISSIONS,
    NETWORK_FAILURE,
    UNKNOWN_CHANNEL,
    Reason,
)
from bot.reminders.dispatcher import DeliveryFailed, DeliveryRefused, DeliveryRejected
from bot.reminders.messages import OutgoingReminder

log = logging.getLogger(__name__)

# Discord's JSON error codes that mean "this channel will not take our messages until someone acts".
REFUSALS = {50001: MISSING_ACCESS, 50013: MISSING_PERMISSIONS, 10003: UNKNOWN_CHANNEL}


class DiscordPoster:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def post(self, channel_id: int, message: OutgoingReminder, nonce: str) -> int | None:
        channel = self.client.get_partial_messageable(channel_id)
        if message.role_id:
            # Exactly the configured role may be pinged; never @everyone, @here or users.
            mentions = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(message.role_id)])
        else:
            mentions = discord.AllowedMentions.none()
        try:
            ping = f"<@&{message.role_id}>" if message.role_id else None  # the configured role, and only it
            sent = await channel.send(content=ping, embed=to_embed(message.answer),
                                      allowed_mentions=mentions, nonce=nonce)
        except (discord.Forbidden, discord.NotFound) as exc:
            known = REFUSALS.get(exc.code)
            raise DeliveryRefused(Reason(known) if known else
                                  Reason(DISCORD_REFUSED, {"status": exc.status, "error": exc.code})) from exc
        except discord.HTTPException as exc:
            if exc.status == 400:
                raise DeliveryRejected(Reason(DISCORD_REJECTED, {"error": exc.code, "text": exc.text[:200]})) from exc
            # discord.py already waited out 429s and retried 5xx a few times before giving up.
            raise DeliveryFailed(Reason(HTTP_FAILURE, {"status": exc.status, "error": exc.code})) from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise DeliveryFailed(Reason(NETWORK_FAILURE, {"error": exc.__class__.__name__})) from exc
        return sent.id
