"""Settings from the environment (and an optional `.env`), validated once at start-up.

A missing or malformed setting stops start-up with one clear line naming it; secrets are `SecretStr`
so they never show up in logs, reprs or error messages.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    data = Path(user_data_dir("partnerbot", appauthor=False))
    return f"sqlite:///{data / 'partnerbot.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = Field(default_factory=default_database_url)
    knowledge_dir: Path | None = Field(default=None, validation_alias="PARTNERBOT_KNOWLEDGE_DIR")
    team_id: str = Field(default="local", min_length=1, max_length=64, validation_alias="PARTNERBOT_TEAM")
    followup_days: int = Field(default=90, ge=1, le=3650, validation_alias="PARTNERBOT_FOLLOWUP_DAYS")
    log_level: str = "INFO"
    log_format: Literal["auto", "json", "text"] = "auto"  # auto: JSON unless stderr is a terminal

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xox"):
            raise ValueError("must start with 'xoxb-' (the Bot User OAuth Token)")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must start with 'xapp-' (an app-level token with connections:write)")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError("must be a URL such as sqlite:///path/to.db or postgresql+psycopg://user@host/db")
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @property
    def slack_configured(self) -> bool:
        return self.slack_bot_token is not None


class SettingsError(RuntimeError):
    """One line naming the setting that is wrong; never the secret itself."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        if name == "KNOWLEDGE_DIR":
            name = "PARTNERBOT_KNOWLEDGE_DIR"
        if name in {"FOLLOWUP_DAYS", "TEAM_ID"}:
            name = "PARTNERBOT_" + name.removesuffix("_ID")
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"setting {name} is invalid: {message}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
