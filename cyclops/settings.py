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

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from cyclops import huge_pages


def _default_data_dir() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "cyclops"


class Settings(BaseSettings):
    """Runtime configuration. Change with environment variables, e.g. ``CYCLOPS_STORE``."""

    model_config = SettingsConfigDict(env_prefix="CYCLOPS_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="Folder for every embedded default (database, store, catalogue, MLflow, cache).")
    lnhpd_db: Path | None = Field(None, description="SQLite file of the LNHPD reference database. Default: DATA_DIR/lnhpd.sqlite.")
    lnhpd_api_url: str = Field("https://health-products.canada.ca/api/natural-licences/", description="Health Canada's LNHPD API, read by `cyclops lnhpd download` and `refresh`.")
    lnhpd_download_delay: float = Field(0.5, description="Seconds between two LNHPD API requests (politeness).")
    lnhpd_download_retries: int = Field(5, description="Retries of a failed LNHPD API request, with growing waits.")
    store: str | None = Field(None, description="Object store URL: a folder, file://..., s3://bucket/prefix or az://container/prefix. Default: DATA_DIR/store.")
    s3_endpoint_url: str | None = Field(None, description="Endpoint of an S3-compatible service (MinIO). Keys and region come from the usual AWS_* variables.")
    mongo_url: str | None = Field(None, description="MongoDB URL for the catalogue. Unset: an embedded catalogue under DATA_DIR.")
    mongo_db: str = Field("cyclops", description="MongoDB database name for the catalogue.")
    mapi_url: str | None = Field(None, description="Base URL of a remote mapi. Unset: the pipeline runs in-process.")
    mapi_token: str | None = Field(None, description="Bearer token the client sends to mapi.")
    mapi_tokens: str = Field("", description="Comma-separated bearer tokens mapi accepts, each an analyst of its own (user `token-` + 8 hex of its SHA-256). Prefer MAPI_TOKENS_FILE.")
    mapi_tokens_file: Path | None = Field(None, description="File of mapi's bearer tokens, one per line: `token user role` (role: analyst, reviewer, admin or service; `#` starts a comment).")
    mapi_auth: str = Field("on", description="`on`: every /v1 request needs a token or a verified JWT (with none configured, only loopback clients are served and mapi refuses a non-loopback address); `off`: no authentication, logged as a warning.")
    oidc_jwks: str | None = Field(None, description="OIDC: URL or file of the JSON Web Key Set that signs bearer JWTs. Unset: JWTs are not accepted.")
    oidc_issuer: str | None = Field(None, description="OIDC: the `iss` every JWT must carry (required with OIDC_JWKS).")
    oidc_audience: str | None = Field(None, description="OIDC: the `aud` every JWT must carry (required with OIDC_JWKS).")
    oidc_user_claim: str = Field("preferred_username", description="OIDC: the claim that names the user (falls back to `sub`).")
    oidc_roles_claim: str = Field("roles", description="OIDC: the claim listing the user's roles (analyst, reviewer, admin, service); none: analyst.")
    mapi_rate_limit: float = Field(5.0, description="Requests per second each identity may make to /v1 on average (token bucket); 0: no limit.")
    mapi_rate_burst: int = Field(60, description="Requests an identity may make at once before the rate limit applies.")
    mapi_workers: int = Field(0, description="Processes for CPU-heavy work in mapi. 0: one per core.")
    mlflow_uri: str | None = Field(None, description="MLflow tracking URI. Default: sqlite:///DATA_DIR/mlflow/mlflow.db with artefacts beside it.")
    model_alias: str = Field("production", description="MLflow registry alias of the field classifier that analyses use.")
    ocr_engine: str = Field("rapidocr", description="Default OCR engine: rapidocr, tesseract or combined.")
    ocr_threads: int = Field(2, ge=1, le=64, description="Threads each process's RapidOCR runs (onnxruntime): its detector's threads, and as "
                             "many single-threaded recognition sessions sharing a page's lines, and as many photos of a product read at "
                             "once. One per core the process may use: 1 for a Dask worker or pod limited to one CPU, so workers scale "
                             "with cores.")
    ocr_int8: str = Field("auto", description="The fine detection pass (12 MP photos, and smaller ones with small print) "
                          "in int8: `auto` (where the CPU has int8 dot-product "
                          "instructions, AVX-512 VNNI, AVX-VNNI or AMX: about twice as fast there, boxes within a pixel or two), `on` or `off`.")
    ocr_bf16: str = Field("auto", description="Text detection (both passes) in bfloat16 on OpenVINO: `auto` (where the CPU has AMX "
                          "bfloat16, Intel Xeon since Sapphire Rapids: the coarse pass 6, the fine pass 3 times as fast there), `on` or "
                          "`off`. Where it runs, `CYCLOPS_OCR_INT8` is not used.")
    huge_pages: str = Field(huge_pages.DEFAULT, description="Ask glibc's malloc for transparent huge pages (the `cyclops` command "
                            "starts itself again with `GLIBC_TUNABLES=glibc.malloc.hugetlb=1`): `auto` (where the kernel's huge "
                            "pages are `madvise` and glibc is 2.35 or later: onnxruntime's buffers fault in 2 MB at a time, a dense "
                            "product's OCR 5-8 % faster), `on` or `off`. Read when the command starts.")
    model_cache: Path | None = Field(None, description="Folder for models built from the bundled ones (the int8 fine detector, built once, some "
                                     "seconds). Default: XDG_CACHE_HOME/cyclops/models (~/.cache/cyclops/models).")
    max_file_bytes: int = Field(40 * 1024 * 1024, description="Largest accepted photo file, in bytes.")
    max_pixels: int = Field(60_000_000, description="Largest accepted photo, in pixels (decompression-bomb guard).")
    max_photos: int = Field(12, description="Most photos accepted for one product.")
    max_request_pixels: int = Field(150_000_000, description="Most pixels (all photos, pages and frames together) one request may decode, checked before decoding.")
    max_request_bytes: int = Field(0, description="Largest upload request, counted as it streams (chunked too). 0: MAX_PHOTOS x MAX_FILE_BYTES + 1 MiB.")
    max_edit_bytes: int = Field(65536, description="Largest edit value (`after`, as JSON) and edit request body, in bytes.")
    s3_connect_timeout: float = Field(3.0, description="Seconds to connect to the object store before giving up.")
    s3_read_timeout: float = Field(5.0, description="Seconds to wait for the object store's answer before giving up.")
    analyst: str | None = Field(None, description="Analyst name when the server gives none (no JupyterHub user).")
    workbench_port: int = Field(8866, description="Port of the Voila workbench.")
    workbench_token: str | None = Field(None, description="Access token of the workbench. Unset: WORKBENCH_TOKEN_FILE, else a random one written there (none only under JupyterHub).")
    workbench_token_file: Path | None = Field(None, description="File holding the workbench token (created, mode 600, with a random token if missing). Default: DATA_DIR/workbench-token.")
    workbench_public_url: str | None = Field(None, description="Address phones reach the workbench at (https://review.example.org/), for the worklist's capture link and QR code. Unset: the address the analyst's browser used.")
    mapi_port: int = Field(8000, description="Port of mapi.")

    @property
    def lnhpd_path(self) -> Path:
        return self.lnhpd_db or self.data_dir / "lnhpd.sqlite"

    @property
    def store_url(self) -> str:
        return self.store or str(self.data_dir / "store")

    @field_validator("huge_pages")
    @classmethod
    def _huge_pages_mode(cls, value: str) -> str:
        return huge_pages.checked(value)

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def model_cache_dir(self) -> Path:
        return self.model_cache or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "cyclops" / "models"

    @property
    def tracking_uri(self) -> str:
        if self.mlflow_uri:
            return self.mlflow_uri
        return f"sqlite:///{self.data_dir / 'mlflow' / 'mlflow.db'}"

    @property
    def accepted_tokens(self) -> set[str]:
        return {t.strip() for t in self.mapi_tokens.split(",") if t.strip()}

    @property
    def request_byte_limit(self) -> int:
        return self.max_request_bytes or self.max_photos * self.max_file_bytes + 1024 * 1024

    @property
    def auth_off(self) -> bool:
        return self.mapi_auth.strip().lower() in ("off", "false", "0", "no", "none")


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
