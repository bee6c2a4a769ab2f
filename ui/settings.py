"""The chat UI's own settings (env prefix RAG_UI_, `.env` supported): where it listens, who may
use it. The corpus limits shown next to the upload box are rag's (Settings), not these."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class UiSettings(BaseSettings):
    """The chat UI section: where it listens and who may use it (RAG_UI_<NAME>)."""

    model_config = SettingsConfigDict(env_prefix="RAG_UI_", env_file=".env", extra="ignore")

    host: str = Field(
        default="127.0.0.1", description="Address to bind; 0.0.0.0 exposes it to the LAN."
    )
    port: int = Field(default=7860, ge=1, le=65535, description="TCP port.")
    user: str = Field(default="newsdesk", description="Login name when a password is set.")
    password: SecretStr | None = Field(default=None, description="Set to require a login.")
    queue_size: int = Field(
        default=16, ge=1, description="Questions that may wait; more are turned away."
    )

    def auth(self) -> tuple[str, str] | None:
        """Gradio's `auth` argument: (user, password), or None when no password is set."""
        if self.password is None or not self.password.get_secret_value():
            return None
        return (self.user, self.password.get_secret_value())
