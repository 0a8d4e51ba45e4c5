"""`bot.py ARGS` for tests: in this process when that is the same, as a child process when it is not.

Starting Python and importing the bot costs about 0.6 s of CPU a call, and the suite calls the
command line a few hundred times, so commands that only read and write files run in-process through
``bot.ops.cli.main.main``, with the same environment (the test's, without the caller's TELEGRAM_* and BOT_*),
working directory, stdin and captured output a child would have. ``run`` and ``demo`` (they install
logging and signal handlers), and any call made while an event loop runs in this thread (a bot under
test may have to answer it), still get a real child process.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD_ONLY = {"run", "demo"}
_IN_PROCESS = threading.Lock()  # environment, cwd and stdio are the process's: one call at a time


def clean_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The test process's environment without TELEGRAM_* and BOT_* settings, plus `env`."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    environ.update(env or {})
    return environ


def in_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def bot(
    *args: str,
    input: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    cwd: str | os.PathLike = ROOT,
) -> subprocess.CompletedProcess:
    """`python bot.py ARGS` from `cwd`; the result as subprocess.run gives it."""
    argv = [str(a) for a in args]
    command = next((a for a in argv if not a.startswith("-")), "run")
    if command in CHILD_ONLY or in_loop():
        return subprocess.run(
            [sys.executable, str(ROOT / "bot.py"), *argv],
            cwd=cwd,
            input=input,
            capture_output=True,
            text=True,
            env=clean_env(env),
            timeout=timeout,
        )
    return run_in_process(argv, input=input, env=clean_env(env), cwd=cwd)


def run_in_process(argv: list[str], *, input: str | None, env: dict[str, str], cwd) -> subprocess.CompletedProcess:
    from bot.ops.cli import main as cli

    out, err = io.StringIO(), io.StringIO()
    with _IN_PROCESS:
        saved_env, saved_cwd, saved_stdin = dict(os.environ), os.getcwd(), sys.stdin
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        sys.stdin = io.StringIO(input or "")
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = cli.main(argv)
                except SystemExit as exc:  # argparse's own exits
                    code = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.stdin = saved_stdin
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
    return subprocess.CompletedProcess(["bot.py", *argv], code, out.getvalue(), err.getvalue())
