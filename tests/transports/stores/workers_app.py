"""The WSGI app the many-process tests run under gunicorn: the demo provider over a shared store.

Configured by the environment: ``OAUTHCORE_TEST_STORE`` (a store URL) and ``OAUTHCORE_TEST_CSRF``
(the authorization form's key, hex, the same in every worker). Each answer names the worker
process in ``X-Worker``; every worker registers ``FLOOD_TOKEN`` so that a request signed with it
verifies at any worker whatever the store.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from oauthcore import Token, TokenKind
from transports.demo import DEMO_CONSUMER, DemoProvider
from transports.stores.urls import open_stores

#: An access token every worker knows, for the replay flood.
FLOOD_TOKEN = Token("flood-token", "flood-token-secret")


def make_app() -> Any:
    """The provider, its answers tagged with this worker's process id."""
    stores = open_stores(os.environ["OAUTHCORE_TEST_STORE"])
    stores.credentials.add_token(DEMO_CONSUMER.key, FLOOD_TOKEN, TokenKind.ACCESS)
    provider = DemoProvider(
        stores=stores, csrf_key=bytes.fromhex(os.environ["OAUTHCORE_TEST_CSRF"])
    )
    worker = str(os.getpid())

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        def tagged(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            return start_response(status, [*headers, ("X-Worker", worker)], *rest)

        return provider(environ, tagged)

    return app
