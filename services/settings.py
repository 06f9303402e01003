"""The one typed settings object (docs/contract.md, SPEC 4.2), read once from the environment and passed down."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///competency-bot.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(populate_by_name=True, extra="ignore", case_sensitive=True)

    database_url: str = Field(DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    port: int = Field(3978, alias="PORT", ge=0, le=65535)
    host: str = Field("127.0.0.1", alias="HOST")
    microsoft_app_id: str = Field("", alias="MicrosoftAppId")
    microsoft_app_password: SecretStr = Field(SecretStr(""), alias="MicrosoftAppPassword")
    microsoft_app_type: str = Field("MultiTenant", alias="MicrosoftAppType")
    microsoft_app_tenant_id: str = Field("", alias="MicrosoftAppTenantId")
    oauth_connection_name: str = Field("MSA", alias="OAUTH_CONNECTION_NAME")
    oauth_url: str = Field("", alias="OAUTH_URL")  # empty: the Bot Framework token service
    graph_url: str = Field("https://graph.microsoft.com/v1.0", alias="GRAPH_URL")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field("WARNING", alias="LOG_LEVEL")
    alert_scan_interval_seconds: int = Field(3600, alias="ALERT_SCAN_INTERVAL_SECONDS", ge=0)
    alert_tenant_rate_per_second: float = Field(50.0, alias="ALERT_TENANT_RATE_PER_SECOND", gt=0)
    import_max_bytes: int = Field(256 * 1024 * 1024, alias="IMPORT_MAX_BYTES", ge=1)
    # Calls to a serviceUrl (the Bot Connector): per host, so one slow host delays only its own replies.
    connector_connect_timeout_seconds: float = Field(5.0, alias="CONNECTOR_CONNECT_TIMEOUT_SECONDS", gt=0)
    connector_read_timeout_seconds: float = Field(20.0, alias="CONNECTOR_READ_TIMEOUT_SECONDS", gt=0)
    connector_concurrency_per_host: int = Field(8, alias="CONNECTOR_CONCURRENCY_PER_HOST", ge=1, le=256)
    # Safe local mode and where replies may go (issue 8): see README, configuration.
    allow_unauthenticated_remote: bool = Field(False, alias="ALLOW_UNAUTHENTICATED_REMOTE")
    allowed_service_url_hosts: str = Field("", alias="ALLOWED_SERVICE_URL_HOSTS")

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_capitals(cls, value: object) -> object:
        """`LOG_LEVEL=info` means INFO, as Python's logging would read it."""
        return value.strip().upper() if isinstance(value, str) else value

    @property
    def local_mode(self) -> bool:
        """No app id: inbound auth off, replies without a token (as with the Emulator)."""
        return not self.microsoft_app_id
