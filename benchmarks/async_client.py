"""AsyncClient throughput, 100 requests in flight, against bare httpx and bare aiohttp.

Each operation is one signed GET (a token, three query parameters, a fresh ``since_id``);
a repeat sends its requests in waves of 100 concurrent ones (``asyncio.gather``) on one event
loop, against the minimal keep-alive server of ``benchmarks.client`` on 127.0.0.1. For each
stack, side by side:

- ``AsyncClient`` over the stack's transport (``AsyncHttpxTransport``, ``AiohttpTransport``):
  builds, signs with a fresh nonce, drives the flow, reads the body within the size cap and the
  deadline, returns a ``Response``;
- ``sign()`` + the bare stack: the same signing, the request sent with the stack's own API;
- the bare stack: the same request with a header signed before the clock starts (no OAuth).

Both libraries keep their default pool of 100 connections, as the transports do. Before timing,
a server in this process captures one request of each contender and oauthcore's provider side
verifies it; the timed runs go to the same server in a process of its own, so the CPU clock
counts the client's work alone and the wall clock gives its throughput. The issue sets no
target here: the figures and ratios are reported, with ``sign()``'s own cost beside them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import aiohttp
import httpx

from oauthcore import Consumer, Request, Token, sign
from transports import AiohttpTransport, AsyncClient, AsyncHttpxTransport

from .client import CONSUMER, TOKEN, LoopbackServer, _check_captured
from .common import Contender, Settings, Timing, by_name, compare, fresh, print_table

__all__ = ["main"]

#: Requests in flight at once.
CONCURRENCY = 100
SIGN = "oauthcore sign() alone (no I/O)"


def _url(base: str) -> str:
    return (
        f"{base}/1.1/statuses/home_timeline.json?screen_name=twitterapi&count=20&since_id={fresh()}"
    )


def _names(stack: str) -> tuple[str, str, str]:
    return (
        f"oauthcore AsyncClient + {stack} transport",
        f"oauthcore sign() + bare {stack}",
        f"bare {stack} (presigned, no OAuth)",
    )


async def _waves(items: list[Any], one: Callable[[Any], Awaitable[object]]) -> None:
    # CONCURRENCY requests in flight, wave after wave: the throughput of a full pool.
    for start in range(0, len(items), CONCURRENCY):
        await asyncio.gather(*(one(item) for item in items[start : start + CONCURRENCY]))


class _Stacks:
    """The clients under test, made in and used from one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.consumer, self.token = Consumer(*CONSUMER), Token(*TOKEN)
        self.httpx_transport = AsyncHttpxTransport()
        self.aiohttp_transport = AiohttpTransport()
        self.clients = {
            "httpx": AsyncClient(self.consumer, self.token, transport=self.httpx_transport),
            "aiohttp": AsyncClient(self.consumer, self.token, transport=self.aiohttp_transport),
        }
        # The bare stacks, configured as the transports configure theirs.
        self.httpx = httpx.AsyncClient(trust_env=False, follow_redirects=False)
        self.aiohttp = self.run(self._session())

    async def _session(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(trust_env=False, auto_decompress=False)

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return self.loop.run_until_complete(coroutine)

    def signed_headers(self, url: str) -> dict[str, str]:
        return dict(sign(Request("GET", url), self.consumer, self.token).headers)

    async def via_client(self, stack: str, url: str) -> None:
        _ = (await self.clients[stack].request("GET", url)).body

    async def via_httpx(self, url: str, headers: dict[str, str]) -> None:
        reply = await self.httpx.get(url, headers=headers)
        _ = reply.content

    async def via_aiohttp(self, url: str, headers: dict[str, str]) -> None:
        async with self.aiohttp.get(url, headers=headers, allow_redirects=False) as reply:
            _ = await reply.read()

    def close(self) -> None:
        self.run(self.httpx_transport.aclose())
        self.run(self.aiohttp_transport.aclose())
        self.run(self.httpx.aclose())
        self.run(self.aiohttp.close())


def _contenders(stacks: _Stacks, base: str, stack: str) -> list[Contender]:
    ours, signed_bare, bare = _names(stack)
    send = stacks.via_httpx if stack == "httpx" else stacks.via_aiohttp

    def urls(count: int) -> list[str]:
        return [_url(base) for _ in range(count)]

    def presigned(count: int) -> list[tuple[str, dict[str, str]]]:
        return [(url, stacks.signed_headers(url)) for url in urls(count)]

    def run_client(items: list[str]) -> None:
        stacks.run(_waves(items, lambda url: stacks.via_client(stack, url)))

    def run_sign_plus_bare(items: list[str]) -> None:
        stacks.run(_waves(items, lambda url: send(url, stacks.signed_headers(url))))

    def run_bare(items: list[tuple[str, dict[str, str]]]) -> None:
        stacks.run(_waves(items, lambda item: send(*item)))

    return [
        Contender(ours, run_client, urls),
        Contender(signed_bare, run_sign_plus_bare, urls),
        Contender(bare, run_bare, presigned),
    ]


def _sign_cost(settings: Settings) -> Timing:
    consumer, token = Consumer(*CONSUMER), Token(*TOKEN)

    def run(items: list[Request]) -> None:
        for item in items:
            sign(item, consumer, token)

    def make(count: int) -> list[Request]:
        return [Request("GET", _url("http://127.0.0.1:1")) for _ in range(count)]

    (timing,) = compare([Contender(SIGN, run, make)], settings)
    return timing


def _serve(port: Any, stop: Any) -> None:
    # The server of the timed runs, in a process of its own: the clocks then measure the
    # client alone (the CPU clock its work, the wall clock its throughput), and a hundred
    # server threads do not compete with it for this interpreter's lock.
    with LoopbackServer() as server:
        port.value = server.port
        stop.wait()


def _verify(stacks: _Stacks) -> None:
    # One request of each contender, captured by a server in this process and checked by
    # oauthcore's provider side before any timing.
    with LoopbackServer() as server:
        base = f"http://127.0.0.1:{server.port}"
        server.capture = True
        for stack in ("httpx", "aiohttp"):
            for contender in _contenders(stacks, base, stack):
                contender.run(contender.make_inputs(1))
                _check_captured(server, contender.name)


def main(settings: Settings) -> None:
    """Time the three contenders of each stack and report them side by side, per request."""
    # Each repeat sends enough waves to be timed well; fewer repeats, as each is a network run.
    settings = dataclasses.replace(
        settings, min_time=max(settings.min_time, 0.2), repeat=min(settings.repeat, 10)
    )
    other = "wall" if settings.timer == "cpu" else "cpu"
    sign_cost = _sign_cost(settings)
    context = multiprocessing.get_context("spawn")
    port, stop = context.Value("i", 0), context.Event()
    server = context.Process(target=_serve, args=(port, stop), daemon=True)
    server.start()
    loop = asyncio.new_event_loop()
    stacks = _Stacks(loop)
    try:
        while not port.value:
            time.sleep(0.01)
        _verify(stacks)
        base = f"http://127.0.0.1:{port.value}"
        for stack in ("httpx", "aiohttp"):
            contenders = _contenders(stacks, base, stack)
            judged = by_name(compare(contenders, settings))
            reference = by_name(compare(contenders, dataclasses.replace(settings, timer=other)))
            _report(stack, judged, reference, sign_cost, settings.timer, other)
    finally:
        stacks.close()
        loop.close()
        stop.set()
        server.join(timeout=10)


def _report(
    stack: str,
    judged: dict[str, Timing],
    reference: dict[str, Timing],
    sign_cost: Timing,
    clock: str,
    other: str,
) -> None:
    ours, signed_bare, bare = _names(stack)
    for timings, which, note in (
        (judged, clock, "this run's clock"),
        (reference, other, "for reference"),
    ):
        print_table(
            f"AsyncClient throughput over {stack}, {CONCURRENCY} requests in flight, GET with a"
            f" token and 3 query parameters\n  ({which} clock, per request; {note})",
            [*timings.values(), sign_cost],
            bare,
        )
        rate = {name: 1 / timing.best for name, timing in timings.items()}
        print(
            f"  throughput: {rate[ours]:,.0f} req/s AsyncClient, {rate[signed_bare]:,.0f} req/s"
            f" sign()+bare, {rate[bare]:,.0f} req/s bare {stack} ({which} clock)"
        )
    # The issue sets no target for the AsyncClient: the figures are reported, not judged.
    over = judged[ours].best - judged[bare].best
    print(
        f"  AsyncClient over bare {stack}: {over * 1e6:+.0f} µs per request ({clock} clock),"
        f" of which sign() is {sign_cost.best * 1e6:.0f} µs; ratio"
        f" {judged[ours].best / judged[bare].best:.2f}x ({clock}),"
        f" {reference[ours].best / reference[bare].best:.2f}x ({other})"
    )
