"""Autocomplete for the options shared by several commands. Suggestions come from the core's name index."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar, cast

from discord import Interaction, app_commands

if TYPE_CHECKING:
    from bot.adapter.client import PitwallBot

log = logging.getLogger(__name__)

MAX_CHOICES = 25  # Discord's limits on an autocomplete answer
CHOICE_TEXT_LIMIT = 100  # for a choice's name and for a string value alike
V = TypeVar("V", str, int)


def choices(pairs: Iterable[tuple[str, V]]) -> list[app_commands.Choice[V]]:
    """Autocomplete choices Discord will take: at most 25, names clipped to 100 characters with an ellipsis.

    A value over 100 characters would make Discord refuse the whole answer, so every suggestion would vanish;
    such a choice is left out (and logged: values are meant to be short keys).
    """
    found: list[app_commands.Choice[V]] = []
    for name, value in pairs:
        if isinstance(value, str) and not 1 <= len(value) <= CHOICE_TEXT_LIMIT:
            log.warning("autocomplete value of %d characters left out: %.40r…", len(value), value)
            continue
        label = name if len(name) <= CHOICE_TEXT_LIMIT else name[: CHOICE_TEXT_LIMIT - 1] + "…"
        found.append(app_commands.Choice(name=label or str(value), value=value))
        if len(found) == MAX_CHOICES:
            break
    return found


def _bot(interaction: Interaction) -> PitwallBot:
    return cast("PitwallBot", interaction.client)


async def competition_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    catalog = _bot(interaction).core.services.catalog
    keys = catalog.competition_names.complete(current[:100], MAX_CHOICES)
    return choices((catalog.competitions[k].name, k) for k in keys)


async def game_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    catalog = _bot(interaction).core.services.catalog
    keys = catalog.game_names.complete(current[:100], MAX_CHOICES)
    return choices((catalog.games[k].title, k) for k in keys)


async def year_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
    years = sorted(_bot(interaction).core.services.catalog.concluded_years, reverse=True)
    typed = current.strip()
    return choices((str(y), y) for y in years if str(y).startswith(typed))


async def season_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
    seasons = sorted(_bot(interaction).core.services.catalog.event_seasons, reverse=True)
    typed = current.strip()
    return choices((str(s), s) for s in seasons if str(s).startswith(typed))
