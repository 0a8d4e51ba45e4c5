"""Settings from .env and environment; the log filter that hides the token."""

from __future__ import annotations

import io
import logging

import pytest

from bot import settings as cfg


def test_env_file_then_environment(tmp_path):
    env = tmp_path / ".env"
    env.write_text('# comment\nTELEGRAM_BOT_TOKEN="1:abc"\nexport BOT_ADMIN_IDS=5, 7\nBOT_RATE_LIMIT=20\n')
    s = cfg.load(environ={"BOT_RATE_LIMIT": "10"}, env_file=env)
    assert (s.token, s.admin_ids, s.rate_limit) == ("1:abc", frozenset({5, 7}), 10.0)
    assert s.database == "data/bot.db" and s.schedule == "config/pilkada2024.toml"


def test_bad_admin_id_is_refused_with_the_value():
    with pytest.raises(cfg.SettingsError, match="'ops'"):
        cfg.load(environ={"BOT_ADMIN_IDS": "12,ops"}, env_file=None)


def test_redaction_covers_messages_arguments_and_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(cfg.RedactFilter(["9:SECRET"]))
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
