"""The Discord glue without a network: the command tree, autocomplete, the error path, deferring."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import discord
import pytest
from discord import app_commands

from bot.adapter.client import EXTENSIONS, PitwallBot
from bot.adapter.translator import CatalogTranslator
from bot.answer import Answer
from bot.clock import FixedClock
from bot.config import Settings
from bot.core import Core
from bot.errors import UnknownName
from cogs.errors import _explain
from cogs.options import competition_choices, game_choices, year_choices
from cogs.reply import answer_in_time
from tests.conftest import NOW


@pytest.fixture
async def bot(make_settings: Callable[..., Settings], clock: FixedClock) -> AsyncIterator[PitwallBot]:
    client = PitwallBot(make_settings(), clock)
    client._core = await Core.open(client.settings, clock)
    for extension in EXTENSIONS:
        await client.load_extension(extension)
    await client.tree.set_translator(CatalogTranslator())
    yield client
    await client.close()


def test_client_asks_for_no_privileged_intent_and_pings_nobody(make_settings: Callable[..., Settings]) -> None:
    client = PitwallBot(make_settings())
    assert not (client.intents.members or client.intents.presences or client.intents.message_content)
    mentions = client.allowed_mentions
    assert mentions is not None
    assert dict(mentions.to_dict()) == {"parse": []}


async def test_the_tree_has_the_documented_commands_with_autocomplete(bot: PitwallBot) -> None:
    payload = {c.name: c.to_dict(bot.tree) for c in bot.tree.get_commands()}
    assert set(payload) == {"champion", "podium", "release", "releases", "schedule", "next", "about", "reminders",
                            "settings",
                            "custom-release"}
    for admin in ("reminders", "settings", "custom-release"):
        assert int(payload[admin]["default_member_permissions"]) == 1 << 5, admin  # Manage Server
        assert payload[admin]["contexts"] == [0], admin  # guilds only
    for public in ("champion", "podium", "release", "releases", "about"):
        assert payload[public].get("default_member_permissions") is None, public
    assert {o["name"] for o in payload["reminders"]["options"]} == {"add", "list", "remove", "pause", "resume"}
    champion = {o["name"]: o for o in payload["champion"]["options"]}
    assert champion["year"]["required"] and champion["year"]["autocomplete"]
    assert (champion["year"]["min_value"], champion["year"]["max_value"]) == (1900, 2100)
    assert not champion["competition"]["required"] and champion["competition"]["autocomplete"]
    assert payload["release"]["options"][0]["autocomplete"]


async def test_the_tree_hash_changes_only_when_the_commands_change(bot: PitwallBot) -> None:
    before = await bot.command_tree_hash(None)
    assert await bot.command_tree_hash(None) == before
    about = bot.tree.get_command("about")
    assert isinstance(about, app_commands.Command)
    about.description = "Something else"
    assert await bot.command_tree_hash(None) != before


async def test_a_changed_translation_changes_the_tree_hash_so_it_reaches_discord(bot: PitwallBot) -> None:
    before = await bot.command_tree_hash(None)

    class Reworded(CatalogTranslator):
        async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                            context: app_commands.TranslationContextTypes) -> str | None:
            found = await super().translate(string, locale, context)
            return "À propos, autrement" if found and locale is discord.Locale.french and found.startswith(
                "Version") else found

    await bot.tree.set_translator(Reworded())
    assert await bot.command_tree_hash(None) != before
    await bot.tree.set_translator(CatalogTranslator())
    assert await bot.command_tree_hash(None) == before


async def test_autocomplete_offers_sensible_choices_for_partial_input(bot: PitwallBot) -> None:
    interaction = cast(discord.Interaction, SimpleNamespace(client=bot))
    assert (await competition_choices(interaction, "nat"))[0].value == "nations-cup"
    assert (await competition_choices(interaction, "coupe des c"))[0].value == "manufacturers-cup"
    assert "gran-turismo-7" in [c.value for c in await game_choices(interaction, "gt")]
    assert [c.value for c in await year_choices(interaction, "202")] == [2022, 2021]
    assert len(await game_choices(interaction, "")) <= 25


def test_the_error_path_finds_the_polite_message_behind_discord_wrappers() -> None:
    command = cast(Any, SimpleNamespace(name="podium", qualified_name="podium"))
    wrapped = app_commands.CommandInvokeError(command, UnknownName("I don't know that one."))
    explained = _explain(wrapped)
    assert explained is not None and explained.message == "I don't know that one."
    assert _explain(app_commands.CommandInvokeError(command, ZeroDivisionError())) is None


@dataclass
class FakeResponse:
    calls: list[tuple[str, dict[str, Any]]]
    done: bool = False

    def is_done(self) -> bool:
        return self.done

    async def send_message(self, **kwargs: Any) -> None:
        self.calls.append(("send_message", kwargs))
        self.done = True

    async def defer(self, **kwargs: Any) -> None:
        self.calls.append(("defer", kwargs))
        self.done = True
        self.on_defer()

    def on_defer(self) -> None:
        pass


@dataclass
class FakeInteraction:
    """Only what cogs.reply touches, recording every call in order."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    deferred: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.client = SimpleNamespace(clock=FixedClock(NOW))
        self.created_at = discord.utils.utcnow()
        self.user = SimpleNamespace(id=1)
        self.response = FakeResponse(self.calls)
        self.response.on_defer = self.deferred.set  # type: ignore[method-assign]
        self.followup = SimpleNamespace(send=self._followup)

    async def _followup(self, **kwargs: Any) -> None:
        self.calls.append(("followup", kwargs))

    async def delete_original_response(self) -> None:
        self.calls.append(("delete_original", {}))

    async def edit_original_response(self, **kwargs: Any) -> None:
        self.calls.append(("edit_original", kwargs))


async def test_a_fast_answer_is_sent_at_once_and_pings_nobody() -> None:
    interaction = FakeInteraction()

    async def question() -> Answer:
        return Answer(title="fast")

    await answer_in_time(cast(discord.Interaction, interaction), question(), defer_after=1.0)
    [(kind, kwargs)] = interaction.calls
    assert kind == "send_message" and kwargs["embed"].title == "fast" and not kwargs["ephemeral"]
    assert kwargs["allowed_mentions"].to_dict() == {"parse": []}


async def test_a_slow_answer_is_deferred_then_edited_into_the_answer() -> None:
    interaction = FakeInteraction()
    release = asyncio.Event()

    async def question() -> Answer:
        await release.wait()
        return Answer(title="slow")

    task = asyncio.ensure_future(answer_in_time(cast(discord.Interaction, interaction), question(), defer_after=0.01))
    await interaction.deferred.wait()
    release.set()
    await task
    # Discord's documented pattern: the "thinking…" message becomes the answer (not a second message).
    assert [kind for kind, _ in interaction.calls] == ["defer", "edit_original"]
    assert interaction.calls[-1][1]["embed"].title == "slow"


async def test_a_slow_user_error_stays_private() -> None:
    interaction = FakeInteraction()
    release = asyncio.Event()

    async def question() -> Answer:
        await release.wait()
        raise UnknownName("Unknown game.")

    task = asyncio.ensure_future(answer_in_time(cast(discord.Interaction, interaction), question(), defer_after=0.01))
    await interaction.deferred.wait()
    release.set()
    await task
    assert [kind for kind, _ in interaction.calls] == ["defer", "delete_original", "followup"]
    assert interaction.calls[-1][1]["ephemeral"] is True


async def test_a_server_still_unavailable_does_not_overwrite_its_recorded_language(bot: PitwallBot) -> None:
    rows = bot.core.reminders.rows
    await rows.record_discord_locales({1: "fr"}, NOW)
    # After a restart during an outage, discord.py gives an unavailable server its default locale (en-US).
    guilds = [SimpleNamespace(id=1, preferred_locale=discord.Locale.american_english, unavailable=True),
              SimpleNamespace(id=2, preferred_locale=discord.Locale.spain_spanish, unavailable=False)]
    for guild in guilds:  # as discord.py reports them at start-up
        bot.guild_locales.note_guild(cast("discord.Guild", guild))
    await bot.guild_locales.settled()
    assert (await rows.settings(1)).post_locale == "fr"
    assert (await rows.settings(2)).post_locale == "es-ES"
