"""Settings: environment, `.env`, and command-line flags, in that order of increasing priority.

The names below are a public contract (README, "Settings"). Nothing here talks to Telegram.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

from dotenv import dotenv_values

from bot.log_privacy import REDACT

DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_SCHEDULE = "config/pilkada2024.toml"
DEFAULT_DATABASE = "data/bot.db"
ENV_FILE = ".env"  # the settings file read from the working directory
ENV_FILE_VARIABLE = "BOT_ENV_FILE"  # names another settings file (as --env-file does), e.g. /etc/pilkada-bot.env
# Paths a settings file names relative to its own folder (the environment's stay relative to the working directory).
PATH_SETTINGS = ("BOT_SCHEDULE", "BOT_DATABASE")
# What systemd's EnvironmentFile= puts in the service's environment and the libraries read from there.
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")


class SettingsError(ValueError):
    """A setting has a value the bot cannot use; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    api_url: str = DEFAULT_API_URL
    schedule: str = DEFAULT_SCHEDULE
    database: str = DEFAULT_DATABASE
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    rate_limit: float = 30.0
    broadcast_share: float = 1 / 3  # of the send slots, kept for broadcasts while replies queue
    paid_broadcast: bool = False
    broadcast_approvals: int = 1
    webhook_url: str | None = None  # public HTTPS URL Telegram posts updates to; None = long polling
    webhook_listen: str = "127.0.0.1"  # behind a reverse proxy that terminates TLS
    webhook_port: int = 8443
    webhook_secret: str | None = None  # None = generated once and kept in the database
    proxy: str | None = None  # every request to Telegram goes through it; None = HTTP(S)_PROXY/NO_PROXY
    channel_id: str | None = None  # the commission's channel: "@name" or a numeric id (-100...); None = none
    env_file: str | None = ENV_FILE  # the settings file these came from (an `--out` never replaces it)

    @property
    def effective_rate(self) -> float:
        """Messages per second the pacer allows: Telegram's 1,000 with paid broadcasts, else BOT_RATE_LIMIT."""
        return 1000.0 if self.paid_broadcast else self.rate_limit

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with the given fields replaced; None values are ignored (flag not given)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def read_env_file(path: str | os.PathLike = ".env", required: bool = False) -> dict[str, str]:
    """KEY=VALUE lines of a dotenv file (comments, blanks and `export ` allowed).

    A missing file is {} unless `required` (named with --env-file or BOT_ENV_FILE): SettingsError.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise SettingsError(f"settings file {path} does not exist (--env-file or BOT_ENV_FILE)") from None
        return {}
    except IsADirectoryError:
        raise SettingsError(f"settings file {path} is a folder; give a file (--env-file or BOT_ENV_FILE)") from None
    except PermissionError:
        raise SettingsError(
            f"cannot read the settings file {path} (permission denied): run as the bot's user, e.g. sudo -u pilkada-bot"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read the settings file {path} ({exc})") from None
    # python-dotenv reads the format (quotes, `export `, comments); no ${VAR} expansion, as systemd's
    # EnvironmentFile does none: a password with a $ stays as written.
    parsed = dotenv_values(stream=io.StringIO(text), interpolate=False)
    return {key: value for key, value in parsed.items() if value is not None}


def parse_admin_ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not re.fullmatch(r"-?\d+", part):
            raise SettingsError(f"BOT_ADMIN_IDS: {part!r} is not a Telegram user id (digits only)")
        ids.add(int(part))
    return frozenset(ids)


def env_file_of(flag: str | None, environ: Mapping[str, str] | None = None) -> tuple[str, bool]:
    """The settings file to read and whether it was named (--env-file, else BOT_ENV_FILE, else `.env`)."""
    environ = os.environ if environ is None else environ
    named = flag or environ.get(ENV_FILE_VARIABLE, "").strip()
    return (named, True) if named else (ENV_FILE, False)


def relative_to_file(values: dict[str, str], env_file: str | os.PathLike) -> dict[str, str]:
    """`values` read from `env_file` with relative BOT_SCHEDULE and BOT_DATABASE taken from its folder,
    so that `--env-file /srv/kpu/bot.env` means the same from any working directory."""
    folder = os.path.dirname(env_file)
    return {
        key: os.path.join(folder, value) if key in PATH_SETTINGS and value.strip() else value
        for key, value in values.items()
    }  # os.path.join keeps an absolute value as it is, and `.env`'s (folder "") as written


def export_proxy_variables(values: Mapping[str, str], environ: MutableMapping[str, str]) -> None:
    """HTTP_PROXY, HTTPS_PROXY and NO_PROXY (either case) of a settings file into the environment, where
    httpx, aiohttp and urllib read them: the command line then goes where the service goes (systemd's
    EnvironmentFile= sets them for it). A variable the environment already sets, in either case, wins."""
    present = {key.upper() for key in environ}
    for key, value in values.items():
        if key.upper() in PROXY_VARIABLES and key.upper() not in present:
            environ[key] = value


def _rates(get: Callable[..., str]) -> tuple[float, float]:
    """BOT_RATE_LIMIT (messages per second) and BOT_BROADCAST_SHARE (a fraction, default one third)."""
    rate_raw = get("BOT_RATE_LIMIT", "30")
    try:
        rate = float(rate_raw)
    except ValueError:
        raise SettingsError(f"BOT_RATE_LIMIT: {rate_raw!r} is not a number of messages per second") from None
    share_raw = get("BOT_BROADCAST_SHARE")
    try:
        share = float(share_raw) if share_raw else 1 / 3
    except ValueError:
        share = math.nan
    if not 0.0 <= share <= 1.0:
        raise SettingsError(
            f"BOT_BROADCAST_SHARE: {share_raw!r} must be a fraction from 0 to 1 (the share of send slots "
            "broadcasts keep while replies are queued; default one third)"
        )
    return rate, share


def load(
    environ: Mapping[str, str] | None = None,
    env_file: str | os.PathLike | None = ENV_FILE,
    required: bool = False,
    export_proxies: bool = False,
) -> Settings:
    """Settings from the settings file (if present; it must be if `required`) overlaid by the environment.

    `export_proxies`: the file's proxy variables go into the process environment (export_proxy_variables).
    """
    merged: dict[str, str] = {}
    if env_file is not None:
        from_file = relative_to_file(read_env_file(env_file, required=required), env_file)
        if export_proxies:
            export_proxy_variables(from_file, os.environ)
        merged.update(from_file)
    merged.update(os.environ if environ is None else environ)

    def get(name: str, default: str = "") -> str:
        return merged.get(name, "").strip() or default

    REDACT.add(get("TELEGRAM_BOT_TOKEN"))  # before any check below can print a value
    rate, share = _rates(get)
    approvals_raw = get("BOT_BROADCAST_APPROVALS", "1")
    if approvals_raw not in ("1", "2"):
        raise SettingsError(
            f"BOT_BROADCAST_APPROVALS: {approvals_raw!r} must be 1 (author alone) or 2 (a second operator)"
        )
    port_raw = get("BOT_WEBHOOK_PORT", "8443")
    if not port_raw.isdigit() or not 0 < int(port_raw) < 65536:
        raise SettingsError(f"BOT_WEBHOOK_PORT: {port_raw!r} is not a TCP port number")
    secret = get("BOT_WEBHOOK_SECRET") or None
    if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise SettingsError("BOT_WEBHOOK_SECRET: use 1-256 characters A-Z, a-z, 0-9, _ and - (Telegram's rule)")
    webhook_url = get("BOT_WEBHOOK_URL") or None
    if webhook_url is not None and not webhook_url.startswith(("https://", "http://")):
        raise SettingsError(f"BOT_WEBHOOK_URL: {webhook_url!r} must be a URL (Telegram requires https://)")
    settings = Settings(
        token=get("TELEGRAM_BOT_TOKEN") or None,
        api_url=get("TELEGRAM_API_URL", DEFAULT_API_URL),
        schedule=get("BOT_SCHEDULE", DEFAULT_SCHEDULE),
        database=get("BOT_DATABASE", DEFAULT_DATABASE),
        admin_ids=parse_admin_ids(get("BOT_ADMIN_IDS")),
        rate_limit=rate,
        broadcast_share=share,
        paid_broadcast=get("BOT_PAID_BROADCAST", "0").lower() in ("1", "true", "yes", "on"),
        broadcast_approvals=int(approvals_raw),
        webhook_url=webhook_url,
        webhook_listen=get("BOT_WEBHOOK_LISTEN", "127.0.0.1"),
        webhook_port=int(port_raw),
        webhook_secret=secret,
        proxy=get("BOT_PROXY") or None,
        channel_id=get("BOT_CHANNEL_ID") or None,
        env_file=None if env_file is None else str(env_file),
    )
    return validate(settings)


def validate(settings: Settings) -> Settings:
    """The settings, if the values that flags can also set are usable; SettingsError otherwise."""
    rate = settings.rate_limit
    if not math.isfinite(rate) or rate <= 0:
        raise SettingsError(
            f"BOT_RATE_LIMIT (--rate-limit): {rate:g} is not a number of messages per second greater than 0"
        )
    check_api_url(settings.api_url)
    if settings.proxy is not None:
        check_proxy(settings.proxy)
    else:  # the proxy the environment sets for Telegram's scheme, as aiohttp and httpx will read it
        scheme = urlsplit(settings.api_url).scheme
        env = getproxies().get(scheme)
        if env and not proxy_bypass(urlsplit(settings.api_url).hostname or ""):
            check_proxy(env if "://" in env else f"http://{env}", f"{scheme.upper()}_PROXY")
    if settings.channel_id is not None:
        check_channel_id(settings.channel_id)
    return settings


CHANNEL_NAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")  # Telegram's public usernames: 4-32 characters
CHANNEL_NUMBER = re.compile(r"-\d{1,19}")


def check_channel_id(value: str) -> None:
    """BOT_CHANNEL_ID: a public channel's @name, or a numeric chat id (negative for channels and groups)."""
    if not (CHANNEL_NAME.fullmatch(value) or CHANNEL_NUMBER.fullmatch(value)):
        raise SettingsError(
            f"BOT_CHANNEL_ID (--channel-id): {value!r} is not a channel: give its @name (like @nama_kanal) "
            "or its numeric id (like -1001234567890)"
        )


def channel_number(value: str | None) -> int | None:
    """The chat id a BOT_CHANNEL_ID names directly, or None (no channel, or an @name to resolve)."""
    return int(value) if value is not None and CHANNEL_NUMBER.fullmatch(value) else None


# The password part of scheme://user:password@host, found even in a URL too broken to parse.
_URL_PASSWORD = re.compile(r"(//[^/@\s:]*:)[^@/\s]*@")


def mask_password(url: str) -> str:
    """`url` with any password replaced by ***, for messages: http://kpu:***@proxy.kantor:3128."""
    return _URL_PASSWORD.sub(r"\1***@", url)


def check_proxy(url: str, variable: str = "BOT_PROXY (--proxy)") -> None:
    """BOT_PROXY (or HTTPS_PROXY): an HTTP(S) proxy URL, http(s)://[user:password@]host:port."""
    problem = (
        f"{variable}: {mask_password(url)!r} is not a proxy URL like http://proxy.example:3128 "
        "(http or https, a host and a numeric port)"
    )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise SettingsError(problem) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", url):
        raise SettingsError(problem)


def check_api_url(url: str) -> None:
    """A Bot API base URL as python-telegram-bot takes it: http(s)://host[:port]/.../bot (the token follows)."""
    problem = f"TELEGRAM_API_URL (--api-url): {url!r} is not a Bot API base URL like {DEFAULT_API_URL}"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise SettingsError(problem) from None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or re.search(r"\s", url)
        or not parts.path.endswith("/bot")
    ):
        raise SettingsError(problem)
