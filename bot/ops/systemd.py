"""Telling systemd how the bot is doing: the sd_notify protocol, in a few lines of socket code.

With ``Type=notify`` systemd passes ``$NOTIFY_SOCKET`` (a Unix datagram socket; a leading ``@``
means Linux's abstract namespace). The bot sends ``READY=1`` once it serves, ``WATCHDOG=1`` with
each healthy heartbeat (so ``WatchdogSec`` restarts a hung bot), ``RELOADING=1`` then ``READY=1``
around a schedule reload, and ``STOPPING=1`` when it stops. Without ``$NOTIFY_SOCKET`` (not under
systemd, or in tests) every call does nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import time

log = logging.getLogger(__name__)


def socket_address(value: str) -> str | None:
    """The address to send to: a path, or an abstract name ('@name' becomes '\\0name'); None if unusable."""
    if value.startswith("@"):
        return "\0" + value[1:]
    if value.startswith("/"):
        return value
    return None  # e.g. vsock addresses, which a service on this machine never gets


def notify(*states: str) -> bool:
    """Send `states` (e.g. "READY=1") to systemd; False when not under systemd or the send failed.

    Never raises: telling systemd must not take the bot down.
    """
    value = os.environ.get("NOTIFY_SOCKET", "")
    address = socket_address(value) if value else None
    if address is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall("\n".join(states).encode())
    except OSError as exc:
        log.debug("could not notify systemd (%s): %s", value, exc)
        return False
    return True


def reloading() -> bool:
    """RELOADING=1 with the monotonic time systemd 253+ asks for; READY=1 must follow."""
    return notify("RELOADING=1", f"MONOTONIC_USEC={time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000}")
