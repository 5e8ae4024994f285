"""Autocomplete for the options shared by several commands. Suggestions come from the core's name index."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from discord import Interaction, app_commands

if TYPE_CHECKING:
    from bot.client import PitwallBot

MAX_CHOICES = 25  # Discord's limit


def _bot(interaction: Interaction) -> PitwallBot:
    return cast("PitwallBot", interaction.client)


async def competition_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    catalog = _bot(interaction).core.services.catalog
    keys = catalog.competition_names.complete(current[:100], MAX_CHOICES)
    return [app_commands.Choice(name=catalog.competitions[k].name, value=k) for k in keys]


async def game_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    catalog = _bot(interaction).core.services.catalog
    keys = catalog.game_names.complete(current[:100], MAX_CHOICES)
    return [app_commands.Choice(name=catalog.games[k].title[:100], value=k) for k in keys]


async def year_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
    years = sorted(_bot(interaction).core.services.catalog.concluded_years, reverse=True)
    typed = current.strip()
    return [app_commands.Choice(name=str(y), value=y) for y in years if str(y).startswith(typed)][:MAX_CHOICES]
