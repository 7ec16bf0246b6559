"""The one Settings object, read from CROWDMOCK_* environment variables."""

import json
import os
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def default_fixtures() -> Path:
    """The fixtures that ship inside the package (`crowdmock.fixtures`, the repository's fixtures/ folder)."""
    return Path(str(files("crowdmock.fixtures")))


def user_cache_dir() -> Path:
    """crowdmock's folder in the user's cache (the seed cache, the pytest plugin's CA)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "crowdmock"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CROWDMOCK_", extra="ignore")

    database_url: str = "sqlite:///./data/crowdmock.sqlite3"
    # How long start-up waits for a database server to answer before it gives up (SQLite files need no wait).
    database_wait: float = 30.0
    host: str = "127.0.0.1"
    port: int = 8000
    # Base used in the `url`/`curr`/`next` fields of responses, e.g. "http://localhost:8000".
    # Unset: taken from each request (scheme, Host header and mount prefix).
    public_base_url: str | None = None
    # Serve only this vendor, at the root (`crowdmock serve --vendor NAME`).
    vendor: str | None = None
    fixtures_dir: Path = Field(default_factory=default_fixtures)
    # A folder of your own fixture files (<vendor>/<file>.json) laid over the defaults, or used instead of them
    # when fixtures_replace (see `crowdmock seed --help`). Unset: whatever the database was last seeded from.
    fixtures: Path | None = None
    fixtures_replace: bool = False
    # Signs every token the mock issues. Unset: a random secret made for each database at its first start (kept
    # in it, so tokens survive restarts); never logged or shown.
    token_secret: str | None = Field(default=None, repr=False)
    # docs/vendors/ushahidi.md §1.11: `?gwcheck=1` describes the request (on) or answers 204 (off, a deployment's
    # default).
    ushahidi_install_debug_mode: bool = False
    # docs/vendors/ushahidi.md §1.6: access tokens last 15 hours on the current server, refresh tokens 7 days.
    ushahidi_access_token_ttl: int = 54000
    ushahidi_refresh_token_ttl: int = 604800
    # docs/vendors/ushahidi.md §1.2: media uploads are refused above 1 MB.
    ushahidi_media_max_bytes: int = 1_048_576
    # docs/vendors/ushahidi.md §1.2: /register answers 429 after 3 calls a minute, for the whole deployment.
    ushahidi_register_limit: int = 3
    ushahidi_register_window_seconds: float = 60.0
    # DoSomething (Drupal) login flood control: failed logins per account and per client address.
    dosomething_failed_login_user_limit: int = 5
    dosomething_failed_login_user_window_seconds: float = 21600.0
    dosomething_failed_login_ip_limit: int = 50
    dosomething_failed_login_ip_window_seconds: float = 3600.0
    # IdeaScale Multipass (member_token / sso_token): the community's Site Key and API Key
    # (Community Settings > Integration > Developer API). Tokens are AES-128-CBC of a JSON with the e-mail,
    # keyed by SHA-1(api_key + site_key)[:16] (ideascale-public/multipass).
    ideascale_site_key: str = "crowdmock"
    ideascale_api_key: str = "crowdmock-multipass-api-key"
    # An SSO community wants an admin api_token plus the member's sso_token on every call.
    ideascale_sso_community: bool = False
    # Moderator content rules: the longest idea or comment text, and the curse-word filter.
    ideascale_max_text_length: int = 10000
    ideascale_curse_words: list[str] = ["damn", "crap", "bastard", "bloody", "shit", "fuck"]
    # Crowdynews access tokens (auth server) live this long; refresh tokens a month.
    crowdynews_access_token_ttl: int = 3600
    crowdynews_refresh_token_ttl: int = 2_592_000
    # Request journal (/__admin/requests): the newest N requests are kept; 0 turns it off. Request and
    # response bodies are kept up to journal_body_bytes each.
    journal_size: int = 1000
    journal_body_bytes: int = 65536
    # The journal, fault rules, rate counters and deterministic draws in the database, shared by every process on
    # it (docs/scaling-out.md). Unset: shared on PostgreSQL (replicas may share it) and when `crowdmock serve
    # --workers N` runs several processes; in memory otherwise.
    shared_state: bool | None = None
    # Move what start-up made out of the garbage collector's scans (`crowdmock serve` turns it on; not for apps
    # made in-process, e.g. one per test, whose start-up objects would then never be collected).
    gc_freeze: bool = False
    # Repeated vendor GETs answered from the last identical answer while the database is unchanged (app/core/cache.py).
    response_cache: bool = True
    # `crowdmock serve` prints a line per request in uvicorn's access-log format (app/core/protocol.py); off: none.
    access_log: bool = True
    # CORS for every vendor and the admin API. Credentialed requests are allowed for these origins ("*": any
    # origin, which is then echoed back, as browsers require for credentials).
    cors_enabled: bool = True
    cors_origins: Annotated[list[str], NoDecode] = ["*"]
    cors_allow_credentials: bool = True
    # Deterministic mode: the clock stands still at `clock` and ids/tokens come from a generator seeded with
    # `random_seed` (restarted by every reset), so runs are repeatable.
    deterministic: bool = False
    clock: datetime = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
    random_seed: int = 0
    # Seeded databases kept for new databases to copy instead of seeding (app/core/seedcache.py); "off": none.
    seed_cache: Path | None = Field(default_factory=user_cache_dir)
    # Request bodies above this size are refused with 413 in the vendor's error shape.
    max_body_bytes: int = 10 * 1_048_576
    # Tenants (docs/parallel-tests.md): one idle this many seconds is deleted; at most this many exist besides
    # `default`.
    tenant_ttl: float = Field(default=3600.0, gt=0)
    max_tenants: int = Field(default=100, ge=0)
    # HTTPS (docs/https.md): the same app over TLS on https_port beside plain HTTP, with a certificate from a local
    # CA kept in ca_dir (unset: `ca` beside the SQLite file, else ./data/ca), valid for localhost, `crowdmock`, every
    # vendor's hostname and tls_names; or the user's own tls_cert and tls_key.
    https: bool = False
    https_port: int = 8443
    ca_dir: Path | None = None
    tls_names: Annotated[list[str], NoDecode] = []
    tls_cert: Path | None = None
    tls_key: Path | None = None
    # Peers (IPs, CIDRs, "*") whose X-Forwarded-Proto/-Host/-For and Forwarded headers are believed (core/proxies.py).
    trusted_proxies: Annotated[list[str], NoDecode] = []

    @property
    def ca_folder(self) -> Path:
        """Where the CA and the server certificate it issued are kept: the data directory's `ca` folder."""
        if self.ca_dir:
            return self.ca_dir
        if self.database_url.startswith("sqlite:///") and not self.database_url.startswith("sqlite:///:memory:"):
            return Path(self.database_url.removeprefix("sqlite:///").split("?", 1)[0]).parent / "ca"
        return Path("data") / "ca"

    @property
    def shares_state(self) -> bool:
        """Whether the control plane lives in the database (core/shared.py)."""
        if self.shared_state is None:
            return not self.database_url.startswith("sqlite")
        if not self.shared_state:
            return False
        if self.database_url.startswith("sqlite") and self.database_url.split("://", 1)[1] in ("", "/:memory:"):
            raise ValueError("CROWDMOCK_SHARED_STATE needs a database file or server: sqlite:// is one process's")
        return True

    @field_validator("seed_cache", mode="before")
    @classmethod
    def _off(cls, value):
        return None if isinstance(value, str) and value.strip().lower() in ("", "off", "none", "false") else value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for entry in value:
            if entry != "*":
                ipaddress.ip_network(entry, strict=False)  # ValueError: not an IP address or network
        return value

    @field_validator("cors_origins", "tls_names", "trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        # CROWDMOCK_CORS_ORIGINS="http://localhost:3000,http://localhost:5173" (or a JSON list); the same for
        # CROWDMOCK_TLS_NAMES and CROWDMOCK_TRUSTED_PROXIES.
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value
