#!/usr/bin/env python3
"""A lean load client for the stand-in's ceiling: raw keep-alive sockets, pipelined requests.

    python bench/blast.py --port P --token T [--seconds 3] [--connections 4] [--depth 32]

Opens ``--connections`` TCP connections to 127.0.0.1:P and keeps ``--depth`` sendMessage requests
in flight on each (HTTP/1.1 pipelining: the stand-in answers them in order), for ``--seconds``.
Each request goes to a different private chat, so the stand-in does its full work per message
(JSON body, HTML check, record). Prints one JSON line: requests answered, seconds, req/s, and the
count of answers that were not 200. Runs as its own process so that its CPU is not the server's.
Loopback only; bounded in time; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

_TEXT = "<b>Uji beban</b> stand-in: pesan pengingat Pilkada"


def _requests(token: str, port: int, count: int, first_chat: int) -> list[bytes]:
    out = []
    for i in range(count):
        body = json.dumps({"chat_id": first_chat + i, "text": _TEXT, "parse_mode": "HTML"}).encode()
        head = (
            f"POST /bot{token}/sendMessage HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        out.append(head + body)
    return out


class _Client(asyncio.Protocol):
    """Keeps `depth` requests in flight; counts complete answers (Content-Length framed)."""

    def __init__(self, requests: list[bytes], offset: int, depth: int, state: dict):
        self.requests = requests
        self.index = offset
        self.depth = depth
        self.state = state
        self.buf = bytearray()
        self.outstanding = 0
        self.transport: asyncio.Transport | None = None
        self.done = asyncio.get_running_loop().create_future()

    def _send(self, n: int) -> None:
        if self.state["stop"] or n <= 0:
            return
        reqs = self.requests
        size = len(reqs)
        chunk = []
        for _ in range(n):
            chunk.append(reqs[self.index % size])
            self.index += 1
        self.outstanding += n
        self.transport.write(b"".join(chunk))

    def connection_made(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self._send(self.depth)

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        pos = 0
        answered = 0
        bad = 0
        while True:
            head_end = buf.find(b"\r\n\r\n", pos)
            if head_end < 0:
                break
            j = buf.find(b"Content-Length: ", pos, head_end)
            if j < 0:
                raise RuntimeError("answer without Content-Length")
            length = int(buf[j + 16 : buf.find(b"\r\n", j, head_end + 2)])
            end = head_end + 4 + length
            if len(buf) < end:
                break
            if buf[pos + 9 : pos + 12] != b"200":
                bad += 1
            answered += 1
            pos = end
        if pos:
            del buf[:pos]
        if answered:
            self.outstanding -= answered
            state = self.state
            if not state["stop"]:
                state["answered"] += answered
                state["bad"] += bad
            self._send(answered)
            if state["stop"] and self.outstanding == 0:
                self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def blast(port: int, token: str, seconds: float, connections: int, depth: int, first_chat: int) -> dict:
    loop = asyncio.get_running_loop()
    requests = _requests(token, port, 20_000, first_chat)
    state = {"stop": False, "answered": 0, "bad": 0}
    clients = []
    for c in range(connections):
        offset = c * (len(requests) // connections)
        _, client = await loop.create_connection(
            lambda offset=offset: _Client(requests, offset, depth, state), "127.0.0.1", port
        )
        clients.append(client)
    started = time.perf_counter()
    await asyncio.sleep(seconds)
    state["stop"] = True
    elapsed = time.perf_counter() - started
    answered, bad = state["answered"], state["bad"]
    for client in clients:  # let in-flight requests finish, then close
        if client.outstanding == 0:
            client.transport.close()
    await asyncio.wait([c.done for c in clients], timeout=10)
    for client in clients:
        client.transport.abort()
    return {
        "answered": answered,
        "seconds": round(elapsed, 3),
        "rps": answered / elapsed,
        "not_200": bad,
        "connections": connections,
        "depth": depth,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--depth", type=int, default=32, help="pipelined requests in flight per connection")
    parser.add_argument("--first-chat", type=int, default=50_000_000)
    args = parser.parse_args(argv)
    seconds = max(0.5, min(args.seconds, 30.0))
    result = asyncio.run(blast(args.port, args.token, seconds, args.connections, args.depth, args.first_chat))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
