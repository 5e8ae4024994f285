from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, load_settings

VALID_LOOKING_TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_real_environment_wins_over_dotenv(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PITWALL_LOG_LEVEL=DEBUG\nPITWALL_DEV_GUILD_ID=123\n")
    settings = load_settings({"PITWALL_LOG_LEVEL": "warning"}, env_file)
    assert settings.log_level == "WARNING"
    assert settings.dev_guild_id == 123


def test_relative_database_path_is_anchored_in_the_checkout(tmp_path: Path) -> None:
    settings = load_settings({"PITWALL_DB_PATH": "var/x.sqlite3"}, tmp_path / "none")
    assert settings.db_path.is_absolute() and settings.db_path.name == "x.sqlite3"


def test_bad_guild_id_is_refused_with_the_setting_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="PITWALL_DEV_GUILD_ID"):
        load_settings({"PITWALL_DEV_GUILD_ID": "my server"}, tmp_path / "none")


def test_token_never_appears_in_repr_or_errors() -> None:
    settings = Settings(token=VALID_LOOKING_TOKEN)
    assert VALID_LOOKING_TOKEN not in repr(settings)
    assert settings.require_token() == VALID_LOOKING_TOKEN
    malformed = Settings(token="not-a-token-secret-value")
    with pytest.raises(SettingsError) as caught:
        malformed.require_token()
    assert "not-a-token-secret-value" not in str(caught.value)


def test_missing_token_says_how_to_set_it() -> None:
    with pytest.raises(SettingsError, match="DISCORD_TOKEN"):
        Settings(token=None).require_token()
