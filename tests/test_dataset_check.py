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


@pytest.mark.parametrize(("file", "old", "new", "problem"), [
    ("events.toml", 'start = "2026-12-01T18:00"\nend = "2026-12-01T20:00"\nzone = "UTC"',
     'start = "2026-12-01T18:00"\nend = "2026-12-01T20:00"', "has a time, so the event needs its `zone`"),
    ("events.toml", 'zone = "Asia/Tokyo"', 'zone = "Asia/Atlantis"', "is not an IANA time zone"),
    ("events.toml", 'moved_from = "2026-08-30"\n', "", "keeps the start it moved from"),
    ("events.toml", 'status = "moved"', 'status = "postponed"', "status must be one of scheduled, cancelled, moved"),
    ("events.toml", 'country = "AT"', 'country = "Austria"', "'AUSTRIA' is not an ISO 3166-1 alpha-2"),
    ("events.toml", 'online = true\nstart = "2026-12-01T18:00"', 'online = true\ncity = "Paris"\n'
     'start = "2026-12-01T18:00"', "an online event has no city"),
    ("events.toml", 'start = "2026-05-09"\nend = "2026-05-10"', 'start = "2026-05-09"\nend = "2026-05-08"',
     "ends before it starts"),
    ("events.toml", 'start = "2026-12-02"\nstatus = "cancelled"\nsources = ["test-calendar"]',
     'start = "2026-12-02"\nstatus = "cancelled"\nsources = ["test-calendar"]\n\n[[event.result]]\n'
     'competition = "nations-cup"\nposition = 1\nname = "X"\ncountry = "IT"', "a cancelled event has no results"),
    ("events.toml", 'id = "2026-round-2"', 'id = "round-2"', "must be kebab-case and start with its season"),
    ("events.toml", 'competitions = ["nations-cup"]\ncity = "Salzburg"', 'competitions = ["gt-cup"]\ncity = "Salzburg"',
     "unknown competition 'gt-cup'"),
    ("events.toml", 'sources = ["test-calendar", "test-mirror"]', 'sources = ["nowhere"]', "unknown source 'nowhere'"),
    ("events.toml", 'start = "2027-02"', 'start = "2027-02-30"', "is not a valid YYYY-MM"),
    ("sources.toml", 'url = ""\ncitation_only = true', 'url = ""', "url must be http(s)"),
    ("releases.toml", 'date = "2027-02"', 'date = "2027-02"\ndisputed_days = ["2027-02-03"]',
     "disputed_days lists two days or more"),
])
def test_every_rule_for_events_and_the_new_fields_is_checked(data_copy: Path, file: str, old: str, new: str,
                                                            problem: str) -> None:
    edit(data_copy / file, old, new)
    problems = check_dataset(data_copy).problems
    assert any(problem in p for p in problems), problems


def test_a_world_final_date_outside_its_world_finals_event_is_a_problem(data_copy: Path) -> None:
    with (data_copy / "events.toml").open("a", encoding="utf-8") as events:
        events.write('\n[[event]]\nid = "2021-world-finals"\nseason = 2021\nname = "World Finals"\n'
                     'kind = "world-finals"\ncompetitions = ["nations-cup"]\nonline = true\nstart = "2021-11-27"\n'
                     'end = "2021-11-28"\nstatus = "scheduled"\nsources = ["test-official"]\n')
    problems = check_dataset(data_copy).problems
    assert any("world final date 2021-12-05 is outside event 2021-world-finals" in p for p in problems)
