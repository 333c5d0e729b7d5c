"""What clock-skew correction, a retry policy and a token session cost a call, not triggered.

Side by side, one run: the ``Client`` as it was before these features (its calls plain
``send_flow``), and the ``Client`` with its default ``ClockSkew`` (nothing learned), with
``clock_skew=None``, with a ``RetryPolicy`` (every reply a 200, so nothing is retried), with
both, and signing from a ``TokenSession`` (its token never refused as expired). Each is timed
alone, with a transport that answers at once (the feature's own cost), and over the keep-alive
loopback server of the ``client`` suite with ``Urllib3Transport``, round-robin, side by side in
each round (the median of the rounds' differences, beside a control: the old client twice). A
feature passes when its own cost is under 3% of the old client's loopback round trip.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Callable
from typing import Any

from oauthcore import Consumer, Request, Token
from transports import Response, Transport, Urllib3Transport
from transports.client import Client
from transports.flow import build_request, send_flow
from transports.resilience import ClockSkew, RetryPolicy, TokenSession

from .client import CONSUMER, TOKEN, LoopbackServer
from .common import Contender, Settings, by_name, compare, fresh, print_table, verdict

__all__ = ["main"]

BEFORE = "Client as before (send_flow, no resilience)"
AGAIN = "the same again (control: the run's noise)"
DEFAULT = "Client, default (ClockSkew, nothing learned)"
NO_SKEW = "Client, clock_skew=None"
RETRY = "Client + RetryPolicy (never triggered)"
BOTH = "Client + ClockSkew + RetryPolicy"
SESSION = "Client + TokenSession (no expiry met)"
#: Within noise: what a feature may add to the old flow's round trip.
NOISE = 0.03


def _urls(base: str, count: int) -> list[str]:
    return [
        f"{base}/1.1/statuses/home_timeline.json?count=20&since_id={fresh()}" for _ in range(count)
    ]


class Canned:
    """A transport that answers every request with the same 200 at once: the flow's cost alone."""

    def __init__(self) -> None:
        self.reply = Response(200, (("Content-Type", "application/json"),), b'{"ok":true}')

    def send(self, request: Request, *, timeout: float | None = None) -> Response:
        return self.reply


class ClientBefore(Client):
    """The ``Client`` as it was before these features: its calls are plain ``send_flow``."""

    def _request_flow(self, method: str, url: str, **given: Any) -> Any:
        request = build_request(method, url, **given)
        return send_flow(
            request,
            self._signer,
            max_redirects=self.max_redirects,
            cross_origin_credentials=self.cross_origin_credentials,
            allow_downgrade=self.allow_downgrade,
        )


def _contenders(base: str, transport: Transport) -> list[Contender]:
    consumer, token = Consumer(*CONSUMER), Token(*TOKEN)

    def with_client(client: Client) -> Callable[[list[str]], None]:
        def run(urls: list[str]) -> None:
            for url in urls:
                _ = client.request("GET", url).body

        return run

    def make(count: int) -> list[str]:
        return _urls(base, count)

    policy = RetryPolicy()
    return [
        Contender(BEFORE, with_client(ClientBefore(consumer, token, transport=transport)), make),
        Contender(AGAIN, with_client(ClientBefore(consumer, token, transport=transport)), make),
        Contender(DEFAULT, with_client(Client(consumer, token, transport=transport)), make),
        Contender(
            NO_SKEW,
            with_client(Client(consumer, token, transport=transport, clock_skew=None)),
            make,
        ),
        Contender(
            RETRY,
            with_client(
                Client(consumer, token, transport=transport, clock_skew=None, retry=policy)
            ),
            make,
        ),
        Contender(
            BOTH,
            with_client(
                Client(consumer, token, transport=transport, clock_skew=ClockSkew(), retry=policy)
            ),
            make,
        ),
        Contender(
            SESSION,
            with_client(
                Client(
                    consumer,
                    transport=transport,
                    session=TokenSession(token, f"{base}/oauth/access_token", handle="handle"),
                )
            ),
            make,
        ),
    ]


def main(settings: Settings) -> None:
    """Time the contenders round-robin, over loopback and with no I/O, and judge each feature.

    The loopback round trip is what a user sees; with a transport that answers at once, the
    same contenders show what each feature costs on its own, free of the network's noise.
    """
    other = "wall" if settings.timer == "cpu" else "cpu"
    canned = by_name(compare(_contenders("http://127.0.0.1:9", Canned()), settings))
    print_table(
        f"Resilience features not triggered: the flow alone, a transport answering at once"
        f"\n  ({settings.timer} clock; what each feature costs by itself)",
        list(canned.values()),
        BEFORE,
    )
    with LoopbackServer() as server, Urllib3Transport() as transport:
        base = f"http://127.0.0.1:{server.port}"
        contenders = _contenders(base, transport)
        judged = by_name(compare(contenders, settings))
        reference = by_name(compare(contenders, dataclasses.replace(settings, timer=other)))
    for timings, clock in ((judged, settings.timer), (reference, other)):
        print_table(
            f"Resilience features not triggered: GET round trip to 127.0.0.1 (keep-alive)"
            f"\n  ({clock} clock; {'judged' if clock == settings.timer else 'for reference'})",
            list(timings.values()),
            BEFORE,
        )
    # compare() runs the contenders round-robin, side by side in each round: the median of the
    # rounds' differences is steadier under a changing load than best-of figures.
    before = judged[BEFORE]
    budget = NOISE * before.median
    control = _paired(judged[AGAIN].per_op, before.per_op)
    print(
        f"  control: the old flow against itself differs by {control * 1e6:+.1f} µs over loopback"
        f" (median of the rounds' differences); budget {budget * 1e6:.1f} µs ="
        f" {NOISE:.0%} of its round trip"
    )
    for name in (DEFAULT, NO_SKEW, RETRY, BOTH, SESSION):
        alone = canned[name].best - canned[BEFORE].best
        added = _paired(judged[name].per_op, before.per_op)
        verdict(
            f"resilience: {name} costs under {NOISE:.0%} of the round trip",
            alone <= budget,
            f"{alone * 1e6:+.2f} µs by itself (best, no I/O) against {before.median * 1e6:.0f} µs"
            f" ({alone / before.median * 100:+.2f}%); over loopback {added * 1e6:+.1f} µs"
            f" (median of the rounds' differences, {settings.timer} clock; control"
            f" {control * 1e6:+.1f} µs)",
        )


def _paired(first: list[float], second: list[float]) -> float:
    return statistics.median(a - b for a, b in zip(first, second, strict=True))
