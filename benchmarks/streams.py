"""What streamed and multipart bodies cost a call that sends none (Body Hash §3.1, RFC 7578).

Side by side, one run: the ``Client`` as it was before streamed bodies (its ``request`` without
the check for a streamed body, its hops signed without the check for one), twice (the control),
and today's ``Client``, each sending a GET and a POST of 1 KiB of bytes. Each is timed alone with
a transport that answers at once (the feature's own cost) and over the keep-alive loopback
server of the ``client`` suite with ``Urllib3Transport``. It passes when its own cost is under
3% of the old client's loopback round trip.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from attrs import frozen

from oauthcore import Consumer, Placement, Request, Token, sign
from transports import Response, Transport, Urllib3Transport
from transports.client import Client
from transports.flow import Signer, build_request, drive
from transports.resilience import call_flow

from .client import CONSUMER, TOKEN, LoopbackServer
from .common import Contender, Settings, by_name, compare, fresh, print_table, verdict

__all__ = ["main"]

BEFORE = "Client as before streamed bodies"
AGAIN = "the same again (control: the run's noise)"
NOW = "Client today (streamed bodies not used)"
NOISE = 0.03
BODY = b"x" * 1024


class Canned:
    """A transport that answers every request with the same 200 at once: the flow's cost alone."""

    def __init__(self) -> None:
        self.reply = Response(200, (("Content-Type", "application/json"),), b'{"ok":true}')

    def send(self, request: Request, *, timeout: float | None = None) -> Response:
        return self.reply


@frozen
class SignerBefore(Signer):
    """The ``Signer`` as it was: every hop signed with the signer's own body hash option."""

    def __call__(self, request: Request, *, timestamp: int | None = None) -> Request:
        placement = self.placement
        if placement is Placement.BODY and request.method in ("GET", "HEAD"):
            placement = Placement.QUERY
        return sign(
            request,
            self.consumer,
            self.token,
            self.method,
            placement=placement,
            realm=self.realm,
            callback=self.callback,
            verifier=self.verifier,
            body_hash=self.body_hash,
            version=self.version,
            timestamp=timestamp,
        )


def _before(client: Client) -> Callable[[str, str, bytes | None], Response]:
    # ``Client.request`` as it was: build, call_flow with the old signer, drive.
    signer = SignerBefore(client.consumer, client.token, method=client.method)

    def request(method: str, url: str, body: bytes | None) -> Response:
        flow = call_flow(
            build_request(method, url, body=body),
            signer,
            clock_skew=client.clock_skew,
            retry=client.retry,
            session=client.session,
            max_redirects=client.max_redirects,
            cross_origin_credentials=client.cross_origin_credentials,
            allow_downgrade=client.allow_downgrade,
        )
        sender: Any = client._sender(None, None)
        response: Response = drive(flow, sender)
        return response

    return request


def _contenders(base: str, transport: Transport) -> list[Contender]:
    consumer, token = Consumer(*CONSUMER), Token(*TOKEN)

    def runner(request: Callable[[str, str, bytes | None], Response]) -> Callable[[Any], None]:
        def run(urls: list[str]) -> None:
            for index, url in enumerate(urls):
                # GET and a POST of bytes in turn: the two calls that stream nothing.
                method, body = ("POST", BODY) if index % 2 else ("GET", None)
                _ = request(method, url, body).body

        return run

    def make(count: int) -> list[str]:
        return [f"{base}/1.1/statuses/update.json?since_id={fresh()}" for _ in range(count)]

    def today(client: Client) -> Callable[[str, str, bytes | None], Response]:
        return lambda method, url, body: client.request(method, url, body=body)

    clients = [Client(consumer, token, transport=transport) for _ in range(3)]
    return [
        Contender(BEFORE, runner(_before(clients[0])), make),
        Contender(AGAIN, runner(_before(clients[1])), make),
        Contender(NOW, runner(today(clients[2])), make),
    ]


def main(settings: Settings) -> None:
    """Time the contenders round-robin, with no I/O and over loopback, and judge the feature."""
    canned = by_name(compare(_contenders("http://127.0.0.1:9", Canned()), settings))
    print_table(
        f"Streamed bodies not used: the flow alone, a transport answering at once"
        f"\n  ({settings.timer} clock; GET and 1 KiB POST alternating)",
        list(canned.values()),
        BEFORE,
    )
    with LoopbackServer() as server, Urllib3Transport() as transport:
        judged = by_name(
            compare(_contenders(f"http://127.0.0.1:{server.port}", transport), settings)
        )
    print_table(
        f"Streamed bodies not used: round trip to 127.0.0.1 (keep-alive)"
        f"\n  ({settings.timer} clock)",
        list(judged.values()),
        BEFORE,
    )
    before = judged[BEFORE]
    budget = NOISE * before.median
    control = _paired(judged[AGAIN].per_op, before.per_op)
    alone = canned[NOW].best - canned[BEFORE].best
    added = _paired(judged[NOW].per_op, before.per_op)
    verdict(
        f"streams: {NOW} costs under {NOISE:.0%} of the round trip",
        alone <= budget,
        f"{alone * 1e6:+.2f} µs by itself (best, no I/O; control"
        f" {(canned[AGAIN].best - canned[BEFORE].best) * 1e6:+.2f} µs) against"
        f" {before.median * 1e6:.0f} µs ({alone / before.median * 100:+.2f}%); over loopback"
        f" {added * 1e6:+.1f} µs (median of the rounds' differences;"
        f" control {control * 1e6:+.1f} µs)",
    )


def _paired(first: list[float], second: list[float]) -> float:
    return statistics.median(a - b for a, b in zip(first, second, strict=True))
