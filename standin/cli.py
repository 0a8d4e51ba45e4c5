"""Command line: ``python -m standin --port 8081`` runs the stand-in until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from standin.server import DEFAULT_TOKEN, StandIn


async def _serve(args: argparse.Namespace) -> None:
    standin = StandIn(
        token=args.token,
        bot_username=args.bot_username,
        rate_limit=args.rate,
        chat_limit=args.chat_limit,
        fault_rate=args.fault_rate,
        seed=args.seed,
        fault_delay=args.fault_delay,
        latency=args.latency,
    )
    await standin.start(args.host, args.port)
    print(f"standin listening on {standin.base_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # non-POSIX
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await standin.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m standin", description="Local Telegram Bot API stand-in")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--bot-username", default="kpu_demo_bot")
    parser.add_argument("--rate", type=float, default=None, help="global limit, messages per second")
    parser.add_argument("--chat-limit", action="store_true", help="1 msg/s per private chat, 20/min per group")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-delay", type=float, default=15.0, help="seconds a 'timeout' fault holds on")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds every answer is held back (round trip)")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    return 0
