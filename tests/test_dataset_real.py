"""The shipped dataset answers every season correctly through the same path Discord uses."""

import pytest

from bot.adapter.embeds import discord_text
from bot.core import Core
from bot.countries import country_name
from bot.dataset.loader import read_dataset
from bot.dataset.model import Member, Placing, Season
from tests.conftest import REAL_DATA

DATASET, _ = read_dataset(REAL_DATA)
CONCLUDED = [s for s in DATASET.seasons if s.status == "concluded"]


def test_every_year_from_2018_to_the_latest_concluded_has_both_world_level_competitions() -> None:
    years = sorted({s.year for s in CONCLUDED})
    assert years[0] == 2018
    assert years == list(range(2018, years[-1] + 1))
    for year in years:
        assert {s.competition for s in CONCLUDED if s.year == year} >= {"nations-cup", "manufacturers-cup"}, year


@pytest.mark.parametrize("season", CONCLUDED, ids=lambda s: f"{s.year}-{s.competition}")
async def test_every_concluded_podium_answers_with_its_standing_in_order(real_core: Core, season: Season) -> None:
    answer = await real_core.questions.podium(season.competition, season.year)
    lines = discord_text(answer.description).splitlines()
    medal_lines = [line for line in lines if line[:1] in "🥇🥈🥉"]
    expected = sorted([r for r in season.standing if r.position <= 3], key=lambda r: r.position)
    for row in expected:
        line = medal_lines[row.position - 1] if row.position <= len(medal_lines) else ""
        assert f"**{row.name}**" in line, (row, medal_lines)
        assert country_name(row.country) in line
    shown = [line for line in medal_lines if "not confirmed" not in line]
    assert len(shown) == len(expected)
    assert len(medal_lines) == len(expected) + len(season.unconfirmed_positions)
    assert answer.sources, "every answer cites its sources"


@pytest.mark.parametrize("year", sorted({s.year for s in CONCLUDED}))
async def test_champion_of_every_year_names_every_champion(real_core: Core, year: int) -> None:
    answer = await real_core.questions.champion(year)
    text = "\n".join(discord_text(f.value) for f in answer.fields)
    for season in (s for s in CONCLUDED if s.year == year):
        for row in (r for r in season.standing if r.position == 1):
            assert f"**{row.name}**" in text


def test_the_seed_articles_mistakes_are_not_in_the_data() -> None:
    rows = [r for s in DATASET.seasons for r in s.standing + s.final_race]
    people: list[Placing | Member] = [*rows, *(m for r in rows for m in r.members)]
    assert not any("Jorge Serrano" in x.name for x in people)
    serrano = [x for x in people if x.name == "José Serrano"]
    assert serrano and {x.country for x in serrano} == {"ES"}


async def test_2021_final_race_is_kept_apart_from_the_standing(real_core: Core) -> None:
    answer = await real_core.questions.podium("nations-cup", 2021)
    race = next(f for f in answer.fields if "race" in f.name)
    assert "José Serrano" in discord_text(race.value) and "pole" in discord_text(race.value)
    assert "José Serrano" in discord_text(answer.description).splitlines()[1]
