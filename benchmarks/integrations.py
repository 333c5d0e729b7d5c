"""The plug-ins for stacks that own the request, side by side with the peers' own plug-ins.

1. The auth call alone: ``RequestsAuth`` on a prepared request vs requests-oauthlib's
   ``OAuth1.__call__``; ``HttpxAuth``'s first yield vs authlib's httpx ``OAuth1Auth`` (target:
   5x faster each), for a GET with a query and a form POST.
2. Full loopback round trips through requests, httpx and aiohttp, with the plug-in and without
   (the same request carrying a header signed before the clock starts), against the minimal
   keep-alive server of ``benchmarks.client``. Target: the plug-in adds no more than ``sign()``'s
   own cost plus 3% of the bare round trip. What a row adds is the median, over the rounds, of
   its difference with the bare row timed beside it. ``sign()``'s own cost is taken where the
   plug-in pays it: one ``sign()`` call beside each presigned round trip, its result unused
   (between two round trips the caches are cold, and the same call costs several times what it
   does in a loop of its own, which is shown too). A plug-in that does nothing (a no-op auth or
   middleware, the request presigned) shows what the stack's own hook costs.
3. What clock-skew correction and a retry policy cost each plug-in when not triggered: loopback
   round trips side by side, the plug-in with ``clock_skew=None`` (no resilience rule on), the
   same again (control: the run's noise), the default (a ``ClockSkew``, nothing learned) and
   with a ``RetryPolicy`` too (every reply a 200). Target: each adds under 3% of the round trip,
   or under what the control differs from the first row when the run's noise is larger.
"""

from __future__ import annotations

import asyncio
import statistics
import warnings
from collections.abc import Callable, Generator
from typing import Any

import aiohttp
import httpx
import requests
from requests_oauthlib import OAuth1

from oauthcore import Consumer, Request, Token, sign
from transports.integrations import AiohttpMiddleware, HttpxAuth, RequestsAuth
from transports.resilience import RetryPolicy

from .client import CONSUMER, TOKEN, LoopbackServer
from .common import Contender, Settings, by_name, compare, fresh, print_table, verdict

with warnings.catch_warnings():
    # authlib warns on importing its httpx client (it would rather have httpx2): not ours.
    # Its deprecate module puts an "always" filter first when imported: ours goes after it.
    import authlib.deprecate  # noqa: F401

    warnings.simplefilter("ignore")
    from authlib.integrations.httpx_client import OAuth1Auth as AuthlibAuth

__all__ = ["main"]

OURS_REQUESTS = "oauthcore RequestsAuth"
PEER_REQUESTS = "requests-oauthlib OAuth1"
OURS_HTTPX = "oauthcore HttpxAuth"
PEER_HTTPX = "authlib httpx OAuth1Auth"
SIGN = "oauthcore sign() alone"
FORM = {"status": "Hello Ladies + Gentlemen, café &=+,", "include_entities": "true"}


def _url(base: str) -> str:
    return f"{base}/1.1/statuses/home_timeline.json?screen_name=twitterapi&since_id={fresh()}"


def _auth_call(settings: Settings, form: bool) -> None:
    consumer, token = Consumer(*CONSUMER), Token(*TOKEN)
    ours, peer = RequestsAuth(consumer, token), OAuth1(*CONSUMER, *TOKEN)
    ours_httpx, peer_httpx = HttpxAuth(consumer, token), AuthlibAuth(*CONSUMER, *TOKEN)
    method, data = ("POST", FORM) if form else ("GET", None)

    def prepared(count: int) -> list[requests.PreparedRequest]:
        return [
            requests.Request(method, _url("https://api.example.com"), data=data).prepare()
            for _ in range(count)
        ]

    def built(count: int) -> list[httpx.Request]:
        return [
            httpx.Request(method, _url("https://api.example.com"), data=data) for _ in range(count)
        ]

    def run_auth(auth: Callable[[Any], object]) -> Callable[[list[Any]], None]:
        def run(items: list[Any]) -> None:
            for item in items:
                auth(item)

        return run

    def run_flow(auth: httpx.Auth) -> Callable[[list[httpx.Request]], None]:
        def run(items: list[httpx.Request]) -> None:
            for item in items:
                next(auth.sync_auth_flow(item))

        return run

    def signed(count: int) -> list[Request]:
        headers = (("Content-Type", "application/x-www-form-urlencoded"),) if form else ()
        body = b"status=Hello&include_entities=true" if form else b""
        return [
            Request(method, _url("https://api.example.com"), headers, body) for _ in range(count)
        ]

    def run_sign(items: list[Request]) -> None:
        for item in items:
            sign(item, consumer, token)

    shape = "form POST" if form else "GET with a query"
    timings = by_name(
        compare(
            [
                Contender(OURS_REQUESTS, run_auth(ours), prepared),
                Contender(PEER_REQUESTS, run_auth(peer), prepared),
                Contender(OURS_HTTPX, run_flow(ours_httpx), built),
                Contender(PEER_HTTPX, run_flow(peer_httpx), built),
                Contender(SIGN, run_sign, signed),
            ],
            settings,
        )
    )
    print_table(f"The auth call alone, HMAC-SHA1, {shape}", list(timings.values()), SIGN)
    for name, peer_name in ((OURS_REQUESTS, PEER_REQUESTS), (OURS_HTTPX, PEER_HTTPX)):
        ours_best, peer_best = timings[name].best, timings[peer_name].best
        verdict(
            f"integrations {shape}: {name} at least 5x faster than {peer_name}",
            peer_best / ours_best >= 5,
            f"{peer_best / ours_best:.1f}x ({ours_best * 1e6:.1f} vs {peer_best * 1e6:.1f} µs)",
        )


def _presigned(base: str, count: int) -> list[tuple[str, dict[str, str]]]:
    consumer, token = Consumer(*CONSUMER), Token(*TOKEN)
    out = []
    for _ in range(count):
        url = _url(base)
        out.append((url, dict(sign(Request("GET", url), consumer, token).headers)))
    return out


def _urls(base: str) -> Callable[[int], list[str]]:
    return lambda count: [_url(base) for _ in range(count)]


def _round_trips(settings: Settings, server: LoopbackServer, sign_cost: float) -> None:
    base = f"http://127.0.0.1:{server.port}"
    consumer, token = Consumer(*CONSUMER), Token(*TOKEN)
    session = requests.Session()
    client = httpx.Client()
    loop = asyncio.new_event_loop()
    aio = loop.run_until_complete(_aiohttp_session())
    signed_aio = loop.run_until_complete(_aiohttp_session(AiohttpMiddleware(consumer, token)))
    noop_aio = loop.run_until_complete(_aiohttp_session(_noop_middleware))
    requests_auth, httpx_auth = RequestsAuth(consumer, token), HttpxAuth(consumer, token)

    def requests_signed(urls: list[str]) -> None:
        for url in urls:
            _ = session.get(url, auth=requests_auth).content

    def requests_bare(items: list[tuple[str, dict[str, str]]]) -> None:
        for url, headers in items:
            _ = session.get(url, headers=headers).content

    def httpx_signed(urls: list[str]) -> None:
        for url in urls:
            _ = client.get(url, auth=httpx_auth).content

    def httpx_bare(items: list[tuple[str, dict[str, str]]]) -> None:
        for url, headers in items:
            _ = client.get(url, headers=headers).content

    class NoopAuth(httpx.Auth):
        requires_request_body = True  # as HttpxAuth: httpx reads the body first

        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, Any, None]:
            yield request

    noop_auth = NoopAuth()

    def requests_noop(items: list[tuple[str, dict[str, str]]]) -> None:
        for url, headers in items:
            _ = session.get(url, headers=headers, auth=_noop_requests).content

    def httpx_noop(items: list[tuple[str, dict[str, str]]]) -> None:
        for url, headers in items:
            _ = client.get(url, headers=headers, auth=noop_auth).content

    def aiohttp_noop(items: list[tuple[str, dict[str, str]]]) -> None:
        loop.run_until_complete(_aiohttp_run(noop_aio, items))

    def beside(url: str) -> None:
        # sign()'s own cost where the plug-in pays it: between two round trips, caches cold.
        sign(Request("GET", url), consumer, token)

    def requests_sign_beside(items: list[tuple[str, dict[str, str]]]) -> None:
        for url, headers in items:
            beside(url)
            _ = session.get(url, headers=headers).content

    def httpx_sign_beside(items: list[tuple[str, dict[str, str]]]) -> None:
        for url, headers in items:
            beside(url)
            _ = client.get(url, headers=headers).content

    def aiohttp_sign_beside(items: list[tuple[str, dict[str, str]]]) -> None:
        loop.run_until_complete(_aiohttp_run(aio, items, beside))

    def aiohttp_signed(urls: list[str]) -> None:
        loop.run_until_complete(_aiohttp_run(signed_aio, [(url, {}) for url in urls]))

    def aiohttp_bare(items: list[tuple[str, dict[str, str]]]) -> None:
        loop.run_until_complete(_aiohttp_run(aio, items))

    stacks = [
        ("requests", requests_signed, requests_bare, requests_noop, requests_sign_beside),
        ("httpx", httpx_signed, httpx_bare, httpx_noop, httpx_sign_beside),
        ("aiohttp", aiohttp_signed, aiohttp_bare, aiohttp_noop, aiohttp_sign_beside),
    ]
    presigned = lambda n: _presigned(base, n)  # noqa: E731 - one line, three uses
    try:
        for name, signed, bare, noop, sign_beside in stacks:
            timings = by_name(
                compare(
                    [
                        Contender(f"{name} + oauthcore plug-in", signed, _urls(base)),
                        Contender(f"{name}, presigned (no plug-in)", bare, presigned),
                        Contender(f"{name}, presigned + a no-op plug-in", noop, presigned),
                        Contender(f"{name}, presigned + sign() beside", sign_beside, presigned),
                    ],
                    settings,
                )
            )
            plugin = timings[f"{name} + oauthcore plug-in"]
            bare_timing = timings[f"{name}, presigned (no plug-in)"]
            without = bare_timing.best
            # compare() runs the contenders round-robin, side by side in each round: the median
            # of the rounds' differences is what the plug-in adds, steady under a changing load
            # that moves a best-of-N figure by more than the plug-in costs.
            added = _paired(plugin.per_op, bare_timing.per_op)
            hook = _paired(
                timings[f"{name}, presigned + a no-op plug-in"].per_op, bare_timing.per_op
            )
            in_situ = _paired(
                timings[f"{name}, presigned + sign() beside"].per_op, bare_timing.per_op
            )
            print_table(
                f"Loopback round trip through {name}, GET, with and without the plug-in",
                list(timings.values()),
                f"{name}, presigned (no plug-in)",
            )
            allowed = in_situ + 0.03 * without
            verdict(
                f"integrations round trip {name}: the plug-in adds at most sign() + 3%",
                added <= allowed,
                f"adds {added * 1e6:.1f} µs, allowed {allowed * 1e6:.1f} µs (sign() beside the"
                f" round trip {in_situ * 1e6:.1f} + 3% of {without * 1e6:.0f}; medians of the"
                f" rounds' differences); a no-op plug-in adds {hook * 1e6:.1f} µs; sign() in a"
                f" loop of its own: {sign_cost * 1e6:.1f} µs",
            )
    finally:
        session.close()
        client.close()
        loop.run_until_complete(aio.close())
        loop.run_until_complete(signed_aio.close())
        loop.run_until_complete(noop_aio.close())
        loop.close()


def _paired(first: list[float], second: list[float]) -> float:
    return statistics.median(a - b for a, b in zip(first, second, strict=True))


def _noop_requests(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


async def _noop_middleware(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    return await handler(request)


async def _aiohttp_session(middleware: Any = None) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(middlewares=(middleware,) if middleware else ())


async def _aiohttp_run(
    session: aiohttp.ClientSession,
    items: list[tuple[str, dict[str, str]]],
    beside: Callable[[str], None] | None = None,
) -> None:
    for url, headers in items:
        if beside is not None:
            beside(url)
        async with session.get(url, headers=headers) as reply:
            await reply.read()


def _sign_cost(settings: Settings) -> float:
    consumer, token = Consumer(*CONSUMER), Token(*TOKEN)

    def run(items: list[Request]) -> None:
        for item in items:
            sign(item, consumer, token)

    def make(count: int) -> list[Request]:
        return [Request("GET", _url("http://127.0.0.1:1")) for _ in range(count)]

    (timing,) = compare([Contender(SIGN, run, make)], settings)
    return timing.best


#: The resilience rows of each stack: the options its plug-in is made with.
PLAIN = "clock_skew=None (no rule on)"
CONTROL = "clock_skew=None again (control: the run's noise)"
SKEW = "default (ClockSkew, nothing learned)"
SKEW_RETRY = "ClockSkew + RetryPolicy (never triggered)"
#: Within noise: what a rule may add to the plug-in's round trip.
NOISE = 0.03


def _resilience(settings: Settings, server: LoopbackServer) -> None:
    base = f"http://127.0.0.1:{server.port}"
    consumer, token = Consumer(*CONSUMER), Token(*TOKEN)
    options: dict[str, dict[str, Any]] = {
        PLAIN: {"clock_skew": None},
        CONTROL: {"clock_skew": None},
        SKEW: {},
        SKEW_RETRY: {"retry": RetryPolicy()},
    }
    session, client = requests.Session(), httpx.Client()
    loop = asyncio.new_event_loop()
    sessions = {
        row: loop.run_until_complete(_aiohttp_session(AiohttpMiddleware(consumer, token, **given)))
        for row, given in options.items()
    }

    def through_requests(given: dict[str, Any]) -> Callable[[list[str]], None]:
        auth = RequestsAuth(consumer, token, **given)

        def run(urls: list[str]) -> None:
            for url in urls:
                _ = session.get(url, auth=auth).content

        return run

    def through_httpx(given: dict[str, Any]) -> Callable[[list[str]], None]:
        auth = HttpxAuth(consumer, token, **given)

        def run(urls: list[str]) -> None:
            for url in urls:
                _ = client.get(url, auth=auth).content

        return run

    def through_aiohttp(row: str) -> Callable[[list[str]], None]:
        def run(urls: list[str]) -> None:
            loop.run_until_complete(_aiohttp_run(sessions[row], [(url, {}) for url in urls]))

        return run

    makers: dict[str, Callable[[str, dict[str, Any]], Callable[[list[str]], None]]] = {
        "requests": lambda _row, given: through_requests(given),
        "httpx": lambda _row, given: through_httpx(given),
        "aiohttp": lambda row, _given: through_aiohttp(row),
    }
    try:
        for name, make in makers.items():
            timings = by_name(
                compare(
                    [
                        Contender(f"{name}: {row}", make(row, given), _urls(base))
                        for row, given in options.items()
                    ],
                    settings,
                )
            )
            plain = timings[f"{name}: {PLAIN}"]
            print_table(
                f"Loopback round trip through {name}'s plug-in, resilience not triggered",
                list(timings.values()),
                f"{name}: {PLAIN}",
            )
            # The control is the same plug-in timed twice: what it "adds" is the run's noise.
            noise = abs(_paired(timings[f"{name}: {CONTROL}"].per_op, plain.per_op))
            allowed = max(NOISE * plain.best, noise)
            for row in (SKEW, SKEW_RETRY):
                added = _paired(timings[f"{name}: {row}"].per_op, plain.per_op)
                verdict(
                    f"integrations resilience {name}: {row} within noise",
                    added <= allowed,
                    f"adds {added * 1e6:+.1f} µs ({added / plain.best:+.1%} of"
                    f" {plain.best * 1e6:.0f} µs), allowed {allowed * 1e6:.1f} µs (3%, or the"
                    f" control's {noise * 1e6:.1f} µs; medians of the rounds' differences)",
                )
    finally:
        session.close()
        client.close()
        for opened in sessions.values():
            loop.run_until_complete(opened.close())
        loop.close()


def main(settings: Settings) -> None:
    """Time the auth calls against the peers', then the round trips with and without them."""
    _auth_call(settings, form=False)
    _auth_call(settings, form=True)
    with LoopbackServer() as server:
        _round_trips(settings, server, _sign_cost(settings))
        _resilience(settings, server)
