"""French, Spanish and English end to end: every command, its errors and the posts, through the Discord stand-in.

The expected sentences come from the catalogues in the locale under test (so a reworded translation does not break
these tests, while an answer in the wrong language does); dates and country names are spelt out, because they come
from Babel's locale data and not from the catalogues.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from bot import __version__
from bot.adapter.client import PitwallBot
from bot.clock import FixedClock
from bot.config import Settings
from bot.i18n import using
from bot.text import permission_names, t
from tests.conftest import REAL_DATA, utc
from tests.discord_standin import DEFAULT_EVERYONE_PERMISSIONS, Channel, DiscordStandIn, Guild
from tests.e2e import embed_text, reply_of, run_until, running_pitwall, standin

LOCALES = ["fr", "es-ES", "en-US"]
ADMIN = DEFAULT_EVERYONE_PERMISSIONS | (1 << 5)  # Manage Server
GT7_LAUNCH = {"fr": "4 mars 2022", "es-ES": "4 de marzo de 2022", "en-US": "March 4, 2022"}
ITALY = {"fr": "Italie", "es-ES": "Italia", "en-US": "Italy"}
MANAGE_SERVER = {"fr": "Gérer le serveur", "es-ES": "Gestionar servidor", "en-US": "Manage Server"}


def said(locale: str, key: str, **values: Any) -> str:
    """What the catalogue says for `key` in `locale`."""
    with using(locale):
        return t(key, **values)


async def ask(discord: DiscordStandIn, locale: str, command: str, options: dict[str, Any] | None = None,
              **where: Any) -> tuple[dict[str, Any], bool]:
    embed, ephemeral, _ = reply_of(await discord.invoke(command, options or {}, locale=locale, **where))
    return embed, ephemeral


@pytest.mark.parametrize("locale", LOCALES)
async def test_every_read_only_command_answers_in_the_members_language(discord: DiscordStandIn, pitwall: PitwallBot,
                                                                      locale: str) -> None:
    champion, _ = await ask(discord, locale, "champion", {"year": 2021})
    assert champion["title"] == said(locale, "champion.title", year=2021)
    assert ITALY[locale] in champion["fields"][0]["value"]  # Valerio Gallo's country, named in the language
    assert champion["footer"]["text"].startswith(said(locale, "sources", sources="").rstrip())

    podium, _ = await ask(discord, locale, "podium", {"competition": "nations-cup", "year": 2021})
    assert podium["title"] == said(locale, "podium.title", year=2021, competition="Nations Cup")
    assert podium["description"].splitlines()[0].startswith(f"🥇 **Valerio Gallo** — 🇮🇹 {ITALY[locale]}")
    assert podium["fields"][0]["name"] == said(locale, "podium.about")

    release, _ = await ask(discord, locale, "release", {"game": "gt7"})
    assert release["title"] == "Gran Turismo 7"
    assert f"**{GT7_LAUNCH[locale]}** — PS5, PS4" in release["description"]

    releases, _ = await ask(discord, locale, "releases")
    assert [f["name"] for f in releases["fields"]] == [said(locale, "releases.upcoming"),
                                                       said(locale, "releases.recent")]

    schedule, _ = await ask(discord, locale, "schedule", {"season": 2025})
    assert schedule["title"] == said(locale, "schedule.title", season=2025)

    upcoming, _ = await ask(discord, locale, "next")
    assert upcoming["title"] == said(locale, "next.title")

    about, _ = await ask(discord, locale, "about")
    assert about["title"] == said(locale, "about.title", version=__version__)
    assert about["description"] == said(locale, "about.description")


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_main_errors_are_polite_private_and_in_the_members_language(discord: DiscordStandIn,
                                                                             pitwall: PitwallBot, locale: str) -> None:
    embed, private = await ask(discord, locale, "podium", {"competition": "natoins cup"})
    assert private and embed["title"] == said(locale, "error.title")
    assert said(locale, "error.unknown_competition", text="natoins cup") in embed["description"]
    assert said(locale, "error.did_you_mean", suggestions="`nations-cup`") in embed["description"]

    embed, private = await ask(discord, locale, "champion", {"year": 1999})
    assert private and said(locale, "error.no_year", year=1999) in embed["description"]

    embed, private = await ask(discord, locale, "release", {"game": "\u200b"})
    assert private and embed["description"] == said(locale, "error.empty.game")

    embed, private = await ask(discord, locale, "podium", {"competition": "nations-cup", "year": 2026})
    assert private and said(locale, "error.season_undecided", year=2026, competition="Nations Cup") in \
        embed["description"]

    # A member without Manage Server whose client shows the admin commands anyway (a server override).
    embed, private = await ask(discord, locale, "reminders list", permissions=DEFAULT_EVERYONE_PERMISSIONS)
    assert private and MANAGE_SERVER[locale] in embed["description"]
    with using(locale):
        assert embed["description"] == t("error.no_permission", permission=permission_names(["manage_guild"]))


@pytest.mark.parametrize(("typed", "title"), [
    ("Coupe des Nations", "2021 Nations Cup"), ("Copa de las Naciones", "2021 Nations Cup"),
    ("Coupe des constructeurs", "2021 Manufacturer Series"), ("Copa de Fabricantes", "2021 Manufacturer Series"),
])
async def test_competition_names_in_french_and_spanish_resolve(discord: DiscordStandIn, pitwall: PitwallBot,
                                                               typed: str, title: str) -> None:
    embed, private = await ask(discord, "en-US", "podium", {"competition": typed, "year": 2021})
    assert not private and embed["title"].startswith(title)


async def test_a_game_title_as_written_in_japan_resolves(discord: DiscordStandIn, pitwall: PitwallBot) -> None:
    embed, private = await ask(discord, "ja", "release", {"game": "グランツーリスモ7"})
    assert not private and embed["title"] == "Gran Turismo 7"
    assert "**March 4, 2022**" in embed["description"]  # no Japanese catalogue: the server's language, en-US


async def test_a_button_answers_in_the_language_of_the_member_who_clicks(discord: DiscordStandIn,
                                                                        pitwall: PitwallBot) -> None:
    result = await discord.invoke("podium", {"competition": "nations-cup", "year": 2021}, locale="es-ES")
    message = result.original
    assert message is not None
    await discord.click(message, label="◀ 2020", locale="es-ES")
    assert message.embeds[0]["title"] == said("es-ES", "podium.title", year=2020, competition="Nations Cup")
    # Someone else's click is refused in their own language, naming the command as their Discord shows it.
    notice = await discord.click(message, label="◀ 2019", user=discord.add_user("passer-by"), locale="fr")
    assert notice.ephemeral
    assert notice.embeds[0]["description"] == said("fr", "nav.not_yours", command="/podium")


@dataclass
class Server:
    discord: DiscordStandIn
    bot: PitwallBot
    clock: FixedClock
    guild: Guild
    channel: Channel

    async def admin(self, locale: str, command: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        embed, private = await ask(self.discord, locale, command, options, permissions=ADMIN)
        assert private, embed
        return embed

    async def run_until(self, instant: datetime) -> None:
        await run_until(self.bot, self.clock, instant)

    def posted_titles(self) -> list[str]:
        return [m.embeds[0]["title"] for m in self.discord.messages(self.channel.id)]


@pytest.fixture
async def french_server(make_settings: Callable[..., Settings], clock: FixedClock) -> AsyncIterator[Server]:
    async with standin() as discord:
        guild = discord.add_guild("Paddock FR", locale="fr")
        channel = discord.add_channel(guild.id, "annonces")
        async with running_pitwall(discord, make_settings(REAL_DATA), clock) as bot:
            yield Server(discord, bot, clock, guild, channel)


@pytest.mark.parametrize("locale", LOCALES)
async def test_every_admin_command_answers_in_the_admins_language(french_server: Server, locale: str) -> None:
    server = french_server
    saved = await server.admin(locale, "custom-release add", {"name": "Cup final", "date": "2026-12-20"})
    assert saved["title"] == said(locale, "custom.saved_title")
    added = await server.admin(locale, "reminders add", {"channel": server.channel.id, "release": "cup final",
                                                         "offsets": "2d, 0"})
    assert added["title"] == said(locale, "reminders.added_title")
    paused = await server.admin(locale, "reminders pause", {"id": 1})
    assert paused["description"] == said(locale, "reminders.paused", id=1)
    listing = await server.admin(locale, "reminders list")
    assert listing["title"] == said(locale, "reminders.list_title_count", count=1)
    assert said(locale, "reminders.list_paused", reason=said(locale, "reason.admin")) in listing["description"]
    resumed = await server.admin(locale, "reminders resume", {"id": 1})
    assert resumed["description"] == said(locale, "reminders.resumed", id=1)
    zone = await server.admin(locale, "settings timezone", {"zone": "Europe/Paris"})
    assert zone["description"] == said(locale, "settings.saved", zone="Europe/Paris", time="09:00")
    events = await server.admin(locale, "settings discord-events")
    assert events["description"] == said(locale, "discord_events.state_off")
    language = await server.admin(locale, "settings language")
    with using(locale):
        french = {"fr": "français", "es-ES": "francés", "en-US": "French"}[locale]
        assert language["description"] == t("settings.language_auto", language=french)
    customs = await server.admin(locale, "custom-release list")
    assert customs["title"] == said(locale, "custom.list_title_count", count=1)
    removed = await server.admin(locale, "reminders remove", {"id": 1})
    assert removed["description"] == said(locale, "reminders.removed", id=1)
    gone = await server.admin(locale, "custom-release remove", {"name": "Cup final"})
    assert gone["description"] == said(locale, "custom.removed", name="Cup final")
    refused = await server.admin(locale, "reminders add", {"channel": server.channel.id, "offsets": "soon"})
    assert refused["title"] == said(locale, "error.title")
    assert said(locale, "error.bad_offsets", text="soon") == refused["description"]


async def test_a_reminder_in_a_french_server_is_posted_in_french_whoever_set_it_up(french_server: Server) -> None:
    server = french_server
    # An English-speaking admin sets it up and reads English; the server's members read French.
    await server.admin("en-US", "custom-release add", {"name": "Cup final", "date": "2026-12-20"})
    added = await server.admin("en-US", "reminders add", {"channel": server.channel.id, "release": "cup final",
                                                          "offsets": "2d, 0"})
    assert added["title"] == "Reminder subscription added"
    await server.run_until(utc(2026, 12, 18, 9))
    await server.run_until(utc(2026, 12, 20, 9))
    assert server.posted_titles() == [said("fr", "reminder.in_days", title="Cup final", count=2),
                                      said("fr", "reminder.today", title="Cup final")]
    assert server.posted_titles()[0] == "Cup final — dans 2 jours"  # the French plural, not "2 jour"
    [first, _] = server.discord.messages(server.channel.id)
    assert "20 décembre 2026" in embed_text(first.embeds[0])
    assert first.embeds[0]["footer"]["text"] == said("fr", "reminder.footer", id=1)


async def test_settings_language_overrides_the_servers_discord_language_for_posts(french_server: Server) -> None:
    server = french_server
    chosen = await server.admin("fr", "settings language", {"language": "es"})
    assert chosen["description"] == said("fr", "settings.language_saved", language="espagnol")
    await server.admin("fr", "custom-release add", {"name": "Cup final", "date": "2026-12-20"})
    await server.admin("fr", "reminders add", {"channel": server.channel.id, "release": "cup final", "offsets": "1d"})
    await server.run_until(utc(2026, 12, 19, 9))
    assert server.posted_titles() == [said("es", "reminder.tomorrow", title="Cup final")]
    # A member whose Discord language pitwall does not speak reads the server's chosen one.
    embed, _ = await ask(server.discord, "de", "next")
    assert embed["title"] == said("es", "next.title")
    automatic = await server.admin("es-ES", "settings language", {"language": "auto"})
    assert automatic["description"] == said("es-ES", "settings.language_auto", language="francés")
    embed, _ = await ask(server.discord, "de", "next")
    assert embed["title"] == said("fr", "next.title")  # the server's Discord language again


def _localised(thing: dict[str, Any], where: str) -> list[str]:
    """Where a synced command or option lacks a French or Spanish description."""
    missing = [] if {"fr", "es-ES"} <= set(thing.get("description_localizations") or {}) else [where]
    for option in thing.get("options") or []:
        missing += _localised(option, f"{where} {option['name']}")
    return missing


async def test_the_synced_commands_carry_french_and_spanish_names_and_descriptions(discord: DiscordStandIn,
                                                                                  pitwall: PitwallBot) -> None:
    synced = {c["name"]: c for c in discord.synced_commands()}
    missing = [gap for name, command in synced.items() for gap in _localised(command, name)]
    assert missing == []
    assert synced["schedule"]["name_localizations"]["fr"] == said("fr", "cmd.schedule")
    assert synced["schedule"]["name_localizations"]["es-ES"] == said("es", "cmd.schedule")
    options = {o["name"]: o for o in synced["champion"]["options"]}
    assert options["year"]["name_localizations"]["es-ES"] == said("es", "opt.champion.year")
    language = next(o for o in synced["settings"]["options"] if o["name"] == "language")
    [choice] = [c for c in language["options"][0]["choices"] if c["value"] == "auto"]
    assert choice["name_localizations"]["fr"] == said("fr", "choice.language.auto")
