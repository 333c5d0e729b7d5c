"""The three-legged flow at the command line (RFC 5849 §2): request token, authorize, PIN, access.

With no configuration it starts the embedded demo provider on 127.0.0.1 and walks through the
flow against it: open the printed link in a browser, click Approve and type the PIN shown. For a
real provider, set OAUTH_CONSUMER_KEY and OAUTH_CONSUMER_SECRET plus OAUTH_REQUEST_TOKEN_URL,
OAUTH_AUTHORIZE_URL and OAUTH_ACCESS_TOKEN_URL (and optionally OAUTH_RESOURCE_URL, fetched
with the new token at the end).

It sends through urllib3, so it needs oauthcore with that extra:

    pip install 'oauthcore[urllib3]'        # or, in a clone of oauthcore: make demo
    python examples/three_legged.py         # in a clone: .venv/bin/python examples/three_legged.py
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from attrs import frozen

from oauthcore import Consumer
from transports import Urllib3Transport
from transports.client import Client
from transports.demo import DEMO_CONSUMER, DemoProvider


@frozen
class Provider:
    """Where the provider's endpoints are and which consumer credentials to use."""

    consumer: Consumer
    request_token_url: str
    authorize_url: str
    access_token_url: str
    resource_url: str | None


#: What a real provider needs, all of it, once one of the URLs is set.
REQUIRED = (
    "OAUTH_CONSUMER_KEY",
    "OAUTH_CONSUMER_SECRET",
    "OAUTH_REQUEST_TOKEN_URL",
    "OAUTH_AUTHORIZE_URL",
    "OAUTH_ACCESS_TOKEN_URL",
)


@contextmanager
def provider_from(env: Mapping[str, str]) -> Iterator[Provider]:
    """The real provider the environment names, or else the embedded demo provider, served."""
    if any(name in env for name in REQUIRED[2:]):
        missing = [name for name in REQUIRED if not env.get(name)]
        if missing:
            # A sentence, not a KeyError: say all that is missing at once.
            raise SystemExit(
                f"For a real provider, also set {', '.join(missing)}"
                " (or unset the OAUTH_*_URL variables to use the embedded demo provider)."
            )
        consumer = Consumer(env["OAUTH_CONSUMER_KEY"], env["OAUTH_CONSUMER_SECRET"])
        yield Provider(
            consumer,
            env["OAUTH_REQUEST_TOKEN_URL"],
            env["OAUTH_AUTHORIZE_URL"],
            env["OAUTH_ACCESS_TOKEN_URL"],
            env.get("OAUTH_RESOURCE_URL"),
        )
        return
    with DemoProvider().serve() as running:
        print(f"(No provider configured: using the embedded demo provider at {running.url})\n")
        endpoints = running.endpoints
        yield Provider(
            DEMO_CONSUMER,
            endpoints.request_token,
            endpoints.authorize,
            endpoints.access_token,
            endpoints.resource,
        )


def main(env: Mapping[str, str] = os.environ, ask: Callable[[str], str] = input) -> None:
    """Run the flow; ``ask`` reads the user's answers (``input`` by default)."""
    with provider_from(env) as provider:
        client = Client(provider.consumer, transport=Urllib3Transport())

        # Step 1: get a request token (temporary credentials). "oob" asks the provider to show
        # the verifier (a PIN) to the user, since a command-line program receives no redirect.
        request_token = client.fetch_request_token(provider.request_token_url, callback="oob")
        print("Request Token:")
        print(f"    - oauth_token        = {request_token.key}")
        print("    - oauth_token_secret = (kept in memory; only the next step needs it)")
        print()

        # Step 2: send the user to the provider. A web application would redirect instead.
        print("Go to the following link in your browser:")
        print(f"    {client.authorization_url(provider.authorize_url, request_token)}")
        print()
        while ask("Have you authorized me? (y/n) ").strip().lower() != "y":
            pass
        verifier = ask("What is the PIN? ").strip()

        # Step 3: exchange the request token and the PIN for the access token (token
        # credentials). The request token is used up; keep the access token somewhere safe.
        access_token = client.fetch_access_token(provider.access_token_url, request_token, verifier)
        print()
        print("Access Token:")
        print(f"    - oauth_token        = {access_token.key}")
        print("    - oauth_token_secret = (store it as safely as a password)")
        for name, value in access_token.extra:
            print(f"    - {name} = {value}")
        print()
        print("You may now access protected resources using the access token above.")

        if provider.resource_url is not None:
            reply = client.with_token(access_token).request("GET", provider.resource_url)
            print(f"\nGET {provider.resource_url} -> {reply.status}")
            print(reply.text)


if __name__ == "__main__":
    main()
