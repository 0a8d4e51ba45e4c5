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
