import dataclasses
from datetime import UTC, datetime

import pytest

from bot.clock import FixedClock
from bot.core import Core
from bot.errors import BadInput, NotOnRecord, UnknownName
from bot.store.dataset_rows import DatasetView


async def test_champions_of_a_year_cover_every_competition_in_order(core: Core) -> None:
    seasons = core.services.catalog.champions(2021)
    assert [s.competition for s in seasons] == ["nations-cup", "manufacturers-cup"]
    assert seasons[0].standing[0].name == "Valerio Gallo"


async def test_one_named_competition_narrows_the_answer(core: Core) -> None:
    nations = core.services.catalog.resolve_competition("Coupe des Nations")
    seasons = core.services.catalog.champions(2021, nations)
    assert [s.competition for s in seasons] == ["nations-cup"]


async def test_podium_defaults_to_the_latest_concluded_season(core: Core) -> None:
    manufacturers = core.services.catalog.resolve_competition("mc")
    season = core.services.catalog.podium(manufacturers)
    assert season.year == 2021  # 2022 is still in progress
    assert [row.name for row in season.standing[:3]] == ["Toyota", "Mazda", "Subaru"]


async def test_unknown_year_names_the_seasons_on_record(core: Core) -> None:
    with pytest.raises(NotOnRecord, match=r"no season on record for 1999\. Seasons on record: 2021–2022"):
        core.services.catalog.champions(1999)


async def test_a_year_after_the_last_season_is_not_decided_yet(core: Core) -> None:
    with pytest.raises(NotOnRecord, match="The 2027 season has not been decided yet"):
        core.services.catalog.champions(2027)


async def test_an_in_progress_season_is_not_decided_yet(core: Core) -> None:
    manufacturers = core.services.catalog.resolve_competition("Manufacturer Series")
    with pytest.raises(NotOnRecord, match="2022 Manufacturers Cup season is not decided yet"):
        core.services.catalog.podium(manufacturers, 2022)


async def test_user_text_echoed_back_cannot_link_or_format(core: Core) -> None:
    with pytest.raises(UnknownName) as caught:
        core.services.catalog.resolve_game("[click](https://evil.example/x) <#1>")
    assert "](" not in caught.value.message and "<#" not in caught.value.message


async def test_unknown_competition_suggests_and_lists_what_is_known(core: Core) -> None:
    with pytest.raises(UnknownName) as caught:
        core.services.catalog.resolve_competition("natons cup")
    assert caught.value.suggestions[0] == "nations-cup"
    assert "`manufacturers-cup` (Manufacturers Cup)" in caught.value.message


@pytest.mark.parametrize("typed", ["gt7", "GT 7", "Gran Turismo 7", "gran-turismo-7", "gran turismo 7"])
async def test_game_names_are_forgiving(core: Core, typed: str) -> None:
    assert core.services.catalog.resolve_game(typed).slug == "gran-turismo-7"


@pytest.mark.parametrize("typed", ["", "   ", "\u200b\u200b", "x" * 101])
async def test_empty_invisible_or_overlong_names_are_refused(core: Core, typed: str) -> None:
    with pytest.raises(BadInput):
        core.services.catalog.resolve_game(typed)


@pytest.mark.parametrize("typed", ["abc", "20 21", "２０２１", "-5", "1e3", "2021.0"])
async def test_a_year_must_be_plain_digits(core: Core, typed: str) -> None:
    with pytest.raises(BadInput, match="is not a year"):
        core.services.catalog.parse_year(typed)


async def test_releases_list_upcoming_soonest_first_then_recent_newest_first(core: Core) -> None:
    timeline = core.services.catalog.timeline()
    assert [r.key for _, r in timeline.upcoming] == [
        "future-racer:jp", "future-racer:worldwide", "someday-racer:worldwide",
    ]
    assert [r.key for _, r in timeline.recent] == ["gran-turismo-7-spec-ii:worldwide", "gran-turismo-7:worldwide"]


async def test_a_release_known_by_month_stays_upcoming_until_that_month_ends(core: Core) -> None:
    assert isinstance(core.services.clock, FixedClock)
    core.services.clock.set(datetime(2027, 2, 28, 23, 0, tzinfo=UTC))
    assert "future-racer:worldwide" in [r.key for _, r in core.services.catalog.timeline().upcoming]
    core.services.clock.set(datetime(2027, 3, 1, 0, 0, tzinfo=UTC))
    assert "future-racer:worldwide" in [r.key for _, r in core.services.catalog.timeline().recent]


async def test_a_release_with_an_exact_time_is_upcoming_until_that_instant(core: Core) -> None:
    assert isinstance(core.services.clock, FixedClock)
    core.services.clock.set(datetime(2023, 11, 2, 5, 59, tzinfo=UTC))
    assert "gran-turismo-7-spec-ii:worldwide" in [r.key for _, r in core.services.catalog.timeline().upcoming]
    core.services.clock.set(datetime(2023, 11, 2, 6, 0, tzinfo=UTC))
    assert "gran-turismo-7-spec-ii:worldwide" in [r.key for _, r in core.services.catalog.timeline().recent]


async def test_a_competition_with_no_decided_season_says_not_decided_yet(core: Core,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    everything = core.store.dataset.everything

    async def only_in_progress() -> DatasetView:
        read = await everything()
        return dataclasses.replace(read, seasons=[s for s in read.seasons if s.status != "concluded"])

    monkeypatch.setattr(core.store.dataset, "everything", only_in_progress)
    await core.services.refresh()
    with pytest.raises(NotOnRecord, match="2022 Manufacturers Cup season is not decided yet"):
        core.services.catalog.podium(core.services.catalog.resolve_competition("mc"))


async def test_coverage_counts_what_is_on_record(core: Core) -> None:
    coverage = core.services.catalog.coverage()
    assert (coverage.first_year, coverage.last_year, coverage.seasons, coverage.games) == (2021, 2022, 5, 4)
    assert coverage.last_checked is not None and coverage.last_checked.isoformat() == "2026-11-29"
