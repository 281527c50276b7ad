"""All configuration in one place, read from ``CYCLOPS_*`` environment variables.

Every setting has an embedded default so one machine with no services works:
a local folder instead of MinIO, an embedded catalogue instead of MongoDB,
a local MLflow store and an in-process mapi. The README's configuration table
is generated from this class (``cyclops settings --markdown``), so the two never
drift apart.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "cyclops"


class Settings(BaseSettings):
    """Runtime configuration. Change with environment variables, e.g. ``CYCLOPS_STORE``."""

    model_config = SettingsConfigDict(env_prefix="CYCLOPS_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="Folder for every embedded default (database, store, catalogue, MLflow, cache).")
    lnhpd_db: Path | None = Field(None, description="SQLite file of the LNHPD reference database. Default: DATA_DIR/lnhpd.sqlite.")
    store: str | None = Field(None, description="Object store URL: a folder, file://..., s3://bucket/prefix or az://container/prefix. Default: DATA_DIR/store.")
    s3_endpoint_url: str | None = Field(None, description="Endpoint of an S3-compatible service (MinIO). Keys and region come from the usual AWS_* variables.")
    mongo_url: str | None = Field(None, description="MongoDB URL for the catalogue. Unset: an embedded catalogue under DATA_DIR.")
    mongo_db: str = Field("cyclops", description="MongoDB database name for the catalogue.")
    mapi_url: str | None = Field(None, description="Base URL of a remote mapi. Unset: the pipeline runs in-process.")
    mapi_token: str | None = Field(None, description="Bearer token the client sends to mapi.")
    mapi_tokens: str = Field("", description="Comma-separated bearer tokens mapi accepts. Empty: authentication off (loopback use only).")
    mapi_workers: int = Field(0, description="Processes for CPU-heavy work in mapi. 0: one per core.")
    mlflow_uri: str | None = Field(None, description="MLflow tracking URI. Default: sqlite:///DATA_DIR/mlflow/mlflow.db with artefacts beside it.")
    model_alias: str = Field("production", description="MLflow registry alias of the field classifier that analyses use.")
    ocr_engine: str = Field("rapidocr", description="Default OCR engine: rapidocr, tesseract or combined.")
    max_file_bytes: int = Field(40 * 1024 * 1024, description="Largest accepted photo file, in bytes.")
    max_pixels: int = Field(60_000_000, description="Largest accepted photo, in pixels (decompression-bomb guard).")
    max_photos: int = Field(12, description="Most photos accepted for one product.")
    analyst: str | None = Field(None, description="Analyst name when the server gives none (no JupyterHub user).")
    workbench_port: int = Field(8866, description="Port of the Voila workbench.")
    workbench_token: str | None = Field(None, description="Access token of the workbench. Unset: a random one, printed in the URL (none under JupyterHub).")
    mapi_port: int = Field(8000, description="Port of mapi.")

    @property
    def lnhpd_path(self) -> Path:
        return self.lnhpd_db or self.data_dir / "lnhpd.sqlite"

    @property
    def store_url(self) -> str:
        return self.store or str(self.data_dir / "store")

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def tracking_uri(self) -> str:
        if self.mlflow_uri:
            return self.mlflow_uri
        return f"sqlite:///{self.data_dir / 'mlflow' / 'mlflow.db'}"

    @property
    def accepted_tokens(self) -> set[str]:
        return {t.strip() for t in self.mapi_tokens.split(",") if t.strip()}


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing the environment."""
    return Settings()


def settings_table() -> str:
    """Markdown table of every setting, for the README."""
    rows = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        if field.default_factory is not None:
            default = "`~/.local/share/cyclops`"
        elif field.default is None or field.default == "":
            default = "(unset)"
        else:
            default = f"`{field.default}`"
        rows.append(f"| `CYCLOPS_{name.upper()}` | {default} | {field.description} |")
    return "\n".join(rows)
