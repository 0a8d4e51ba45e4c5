"""Settings from .env and environment; the log filter that hides the token."""

from __future__ import annotations

import io
import logging

import pytest

from bot import log_privacy
from bot import settings as cfg


def test_env_file_then_environment(tmp_path):
    env = tmp_path / ".env"
    env.write_text('# comment\nTELEGRAM_BOT_TOKEN="1:abc"\nexport BOT_ADMIN_IDS=5, 7\nBOT_RATE_LIMIT=20\n')
    s = cfg.load(environ={"BOT_RATE_LIMIT": "10"}, env_file=env)
    assert (s.token, s.admin_ids, s.rate_limit) == ("1:abc", frozenset({5, 7}), 10.0)
    assert s.database == "data/bot.db"
    assert s.schedule == "config/pilkada2024.toml"


def test_bad_admin_id_is_refused_with_the_value():
    with pytest.raises(cfg.SettingsError, match="'ops'"):
        cfg.load(environ={"BOT_ADMIN_IDS": "12,ops"}, env_file=None)


def test_redaction_covers_messages_arguments_and_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(log_privacy.RedactFilter(["9:SECRET"]))
    logger = logging.getLogger("redaction-test")
    logger.addHandler(handler)
    try:
        logger.warning("POST https://api.telegram.org/bot%s/sendMessage", "9:SECRET")
        try:
            raise RuntimeError("failed https://api.telegram.org/bot9:SECRET/getMe")
        except RuntimeError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert "9:SECRET" not in out
    assert out.count("[TOKEN]") == 3  # the message, the traceback's source line and its exception line


@pytest.mark.parametrize("raw", ["-0.1", "1.5", "sepertiga", "nan"])
def test_a_broadcast_share_that_is_not_a_fraction_is_refused(raw):
    with pytest.raises(cfg.SettingsError, match="BOT_BROADCAST_SHARE"):
        cfg.load({"BOT_BROADCAST_SHARE": raw}, env_file=None)


def test_the_broadcast_share_is_one_third_unless_set():
    assert cfg.load({}, env_file=None).broadcast_share == pytest.approx(1 / 3)
    assert cfg.load({"BOT_BROADCAST_SHARE": "0.5"}, env_file=None).broadcast_share == 0.5


def test_relative_paths_in_a_settings_file_are_taken_from_its_folder(tmp_path):
    env = tmp_path / "etc" / "pilkada-bot.env"
    env.parent.mkdir()
    env.write_text("BOT_SCHEDULE=jadwal.toml\nBOT_DATABASE=data/bot.db\n")
    s = cfg.load(environ={}, env_file=env)
    assert (s.schedule, s.database) == (str(env.parent / "jadwal.toml"), str(env.parent / "data" / "bot.db"))
    env.write_text(f"BOT_DATABASE={tmp_path / 'db' / 'bot.db'}\n")  # an absolute path stays as it is
    assert cfg.load(environ={}, env_file=env).database == str(tmp_path / "db" / "bot.db")
    # The environment's relative paths stay relative to the working directory (systemd's WorkingDirectory=).
    assert cfg.load(environ={"BOT_DATABASE": "data/x.db"}, env_file=env).database == "data/x.db"


def test_the_proxy_variables_of_a_settings_file_go_into_the_environment_unless_it_sets_them():
    environ = {"https_proxy": "http://kantor:3128"}
    values = {"HTTPS_PROXY": "http://lain:8080", "http_proxy": "http://lain:8080", "NO_PROXY": "127.0.0.1", "X": "1"}
    cfg.export_proxy_variables(values, environ)
    assert environ == {"https_proxy": "http://kantor:3128", "http_proxy": "http://lain:8080", "NO_PROXY": "127.0.0.1"}
