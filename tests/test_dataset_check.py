from pathlib import Path

import pytest

from bot.dataset.check import check_dataset
from bot.dataset.model import ReleaseDate
from tests.conftest import MINI_DATA, REAL_DATA


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_dataset_passes_every_check() -> None:
    report = check_dataset(REAL_DATA)
    assert report.problems == []
    assert len(report.dataset.seasons) >= 16 and len(report.dataset.games) >= 9


def test_the_mini_fixture_passes() -> None:
    assert check_dataset(MINI_DATA).ok


def test_incomplete_podium_is_a_problem(data_copy: Path) -> None:
    data = data_copy
    edit(data / "seasons.toml", 'position = 3\nname = "Takuma Miyazono"', 'position = 5\nname = "Takuma Miyazono"')
    problems = check_dataset(data).problems
    assert any("2021 nations-cup" in p and "[3] missing" in p for p in problems)


def test_an_unconfirmed_place_must_be_declared_and_is_then_a_warning(data_copy: Path) -> None:
    data = data_copy
    edit(data / "seasons.toml", 'position = 3\nname = "Takuma Miyazono"', 'position = 5\nname = "Takuma Miyazono"')
    edit(data / "seasons.toml", 'world_final_venue = "online"',
         'world_final_venue = "online"\nunconfirmed_positions = [3]')
    report = check_dataset(data)
    assert report.ok
    assert any("place 3 not confirmed" in w for w in report.warnings)


def test_invalid_country_code_unknown_source_and_bad_date_are_each_reported(data_copy: Path) -> None:
    data = data_copy
    edit(data / "seasons.toml", 'country = "IT"', 'country = "UK"')
    edit(data / "releases.toml", 'sources = ["test-official", "test-press"]', 'sources = ["nowhere"]')
    edit(data / "releases.toml", 'date = "2023-11-02"', 'date = "2023-11-31"')
    problems = "\n".join(check_dataset(data).problems)
    assert "'UK' is not an ISO 3166-1 alpha-2 country code" in problems
    assert "cites unknown source 'nowhere'" in problems
    assert "`2023-11-31` is not a valid YYYY[-MM[-DD]] date" in problems


def test_fact_without_source_is_a_problem(data_copy: Path) -> None:
    data = data_copy
    edit(data / "releases.toml", 'sources = ["test-press"]\n\n[[game]]\nslug = "someday-racer"',
         'sources = []\n\n[[game]]\nslug = "someday-racer"')
    assert any("no source" in p for p in check_dataset(data).problems)


def test_alias_used_by_two_games_is_a_problem(data_copy: Path) -> None:
    data = data_copy
    edit(data / "releases.toml", 'aliases = ["fr"]', 'aliases = ["fr", "GT-7"]')
    assert any("'gt7' is used by more than one game" in p for p in check_dataset(data).problems)


def test_undecided_season_cannot_have_a_standing(data_copy: Path) -> None:
    data = data_copy
    edit(data / "seasons.toml", 'status = "concluded"\nworld_final_date', 'status = "in-progress"\nworld_final_date')
    assert any("cannot have a standing yet" in p for p in check_dataset(data).problems)


def test_broken_toml_is_reported_with_the_file_name(data_copy: Path) -> None:
    data = data_copy
    (data / "releases.toml").write_text("[[game]\nslug = ", encoding="utf-8")
    assert any(p.startswith("releases.toml: not valid TOML") for p in check_dataset(data).problems)


@pytest.mark.parametrize(
    ("text", "precision", "last_day"),
    [("2022-03-04", "day", "2022-03-04"), ("2027-02", "month", "2027-02-28"), ("2028", "year", "2028-12-31")],
)
def test_release_dates_keep_their_precision(text: str, precision: str, last_day: str) -> None:
    parsed = ReleaseDate.parse(text)
    assert parsed.precision == precision
    assert parsed.iso() == text
    assert parsed.last_day().isoformat() == last_day


@pytest.mark.parametrize("text", ["22-03-04", "2022-13", "2022-02-30", "March 2022", "", "2022-3"])
def test_malformed_release_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        ReleaseDate.parse(text)
