from datetime import UTC, datetime, time

from bot.adapter.embeds import discord_text, to_embed
from bot.answer import Answer, ChannelRef, Field, Link, Moment, RoleRef, SourceRef
from bot.core import Core
from bot.dataset.model import ReleaseDate
from bot.present import DESCRIPTION_LIMIT, FIELD_VALUE_LIMIT, TOTAL_LIMIT, plain, to_text
from bot.render import format_date


def test_a_date_without_time_is_written_as_a_date_not_a_timestamp() -> None:
    # A timestamp for midnight UTC would show 3 March to members in the Americas.
    assert format_date(ReleaseDate(2022, 3, 4)) == "4 March 2022"
    assert "<t:" not in format_date(ReleaseDate(2022, 3, 4))


def test_partial_dates_say_what_is_not_known() -> None:
    assert format_date(ReleaseDate(2027, 2)) == "February 2027 (day not announced)"
    assert format_date(ReleaseDate(2028)) == "2028 (month not announced)"


def test_an_exact_instant_is_a_typed_moment_each_front_renders() -> None:
    shown = format_date(ReleaseDate(2023, 11, 2), time(6, 0))
    assert shown == (Moment(datetime(2023, 11, 2, 6, tzinfo=UTC), "FR"),)
    # Discord: timestamps each member reads in their own zone; the console: UTC.
    assert discord_text(shown) == "<t:1698904800:F> (<t:1698904800:R>)"
    assert plain(shown) == "2 November 2023 06:00 UTC"


def test_channels_roles_and_links_are_pieces_too() -> None:
    text = ("in ", ChannelRef(12), " for ", RoleRef(34), ", see ", Link("the report", "https://example.org/r"))
    assert discord_text(text) == "in <#12> for <@&34>, see [the report](https://example.org/r)"
    assert plain(text) == "in channel 12 for role 34, see the report <https://example.org/r>"


def test_the_console_view_turns_timestamps_into_utc_text_and_drops_markdown() -> None:
    when = format_date(ReleaseDate(2023, 11, 2), time(6, 0))
    answer = Answer(title="**Spec II**", description=("**", *when, "** — PS5"),
                    sources=(SourceRef("Example", "https://example.org"),))
    text = to_text(answer)
    assert "2 November 2023 06:00 UTC — PS5" in text
    assert "**" not in text and "<t:" not in text
    assert "Example <https://example.org>" in text


def test_embeds_stay_within_discords_limits_however_long_the_answer() -> None:
    answer = Answer(title="t" * 400, description="d" * 9000,
                    fields=tuple(Field(f"f{i}", "v" * 3000) for i in range(40)))
    embed = to_embed(answer)
    assert len(embed.description or "") == DESCRIPTION_LIMIT
    assert all(len(f.value or "") <= FIELD_VALUE_LIMIT for f in embed.fields)
    assert len(embed) <= TOTAL_LIMIT and len(embed.fields) <= 25


def test_a_long_description_and_footer_are_shortened_but_the_sources_stay() -> None:
    answer = Answer(title="t" * 300, description="d" * 5000, footer="f" * 3000, fields=(Field("x", "y" * 900),),
                    sources=(SourceRef("Official results", "https://example.org/r"),))
    embed = to_embed(answer)
    assert len(embed) <= TOTAL_LIMIT
    assert [f.name for f in embed.fields] == ["Sources"]
    assert "https://example.org/r" in (embed.fields[0].value or "")


def test_errors_are_red_and_ephemeral_answers_are_not() -> None:
    error, fine = Answer(title="e", error=True), Answer(title="a")
    assert error.ephemeral and not fine.ephemeral
    assert to_embed(error).colour != to_embed(fine).colour


async def test_podium_shows_the_standing_and_the_final_race_as_different_things(core: Core) -> None:
    answer = await core.questions.podium("nations-cup", 2021)
    lines = discord_text(answer.description).splitlines()
    assert lines[0].startswith("🥇 **Valerio Gallo** — 🇮🇹 Italy")
    assert lines[1].startswith("🥈 **José Serrano** — 🇪🇸 Spain")
    assert lines[2].startswith("🥉 **Takuma Miyazono** — 🇯🇵 Japan")
    race = next(f for f in answer.fields if f.name == "World Final race (not the standing)")
    assert discord_text(race.value).startswith("4. **José Serrano**")
    assert "not a single race" in discord_text(answer.fields[0].value)


async def test_team_results_list_their_drivers(core: Core) -> None:
    answer = await core.questions.champion(2021, "manufacturers")
    assert "Drivers: 🇧🇷 Igor Fraga, 🇯🇵 Tomoaki Yamanaka" in answer.fields[0].value


async def test_every_answer_cites_its_sources(core: Core) -> None:
    answer = await core.questions.release("gt7")
    assert [s.url for s in answer.sources] == ["https://example.org/official", "https://example.org/press"]
    assert answer.footer == "Sources: Example Official, Example Press"
    embed = to_embed(answer)
    assert embed.fields[-1].name == "Sources" and "https://example.org/press" in (embed.fields[-1].value or "")
