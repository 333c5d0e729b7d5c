"""One call through each integration, the same way: the tests run every stack through these.

``call(stack, method, url, ...)`` sends one request through ``stack`` (requests with
``RequestsAuth``, ``OAuth1Session``, httpx with ``HttpxAuth`` sync and async, aiohttp with
``AiohttpMiddleware``), closes what it opened and returns what came back as a ``Seen``.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import aiohttp
import httpx
import requests
from attrs import frozen

from oauthcore import Consumer, Token
from transports.integrations import AiohttpMiddleware, HttpxAuth, OAuth1Session, RequestsAuth

STACKS = ["requests", "session", "httpx", "httpx-async", "aiohttp"]
# The stacks whose plug-in takes every option of the flow (the session takes requests-oauthlib's).
OPTION_STACKS = ["requests", "httpx", "httpx-async", "aiohttp"]


@frozen
class Seen:
    """What a call got back: status, body and how many redirects were followed to get it."""

    status: int
    body: bytes
    redirects: int

    def json(self) -> Any:
        import json

        return json.loads(self.body)


def _context(ca_file: str | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca_file)


def call(
    stack: str,
    method: str,
    url: str,
    consumer: Consumer,
    token: Token | None,
    /,
    *,
    data: Any = None,
    json: Any = None,
    content: bytes | None = None,
    timeout: float = 5.0,
    ca_file: str | None = None,
    **options: Any,
) -> Seen:
    """Send one request through ``stack``, signed for ``consumer`` and ``token``."""
    body = {"data": data if content is None else content, "json": json}
    if stack == "requests":
        with requests.Session() as session:
            reply = session.request(
                method,
                url,
                **body,
                auth=RequestsAuth(consumer, token, **options),
                timeout=timeout,
                verify=ca_file or True,
            )
            return Seen(reply.status_code, reply.content, len(reply.history))
    if stack == "session":
        assert not options, "OAuth1Session takes requests-oauthlib's arguments only"
        with OAuth1Session(
            consumer.key,
            consumer.secret,
            token.key if token else None,
            token.secret if token else None,
        ) as oauth:
            reply = oauth.request(method, url, **body, timeout=timeout, verify=ca_file or True)
            return Seen(reply.status_code, reply.content, len(reply.history))
    if stack == "httpx":
        with httpx.Client(verify=_context(ca_file), timeout=timeout) as client:
            answer = client.request(
                method,
                url,
                data=data,
                json=json,
                content=content,
                auth=HttpxAuth(consumer, token, **options),
            )
            return Seen(answer.status_code, answer.content, len(answer.history))
    if stack == "httpx-async":
        return asyncio.run(
            _httpx_async(
                method, url, consumer, token, data, json, content, timeout, ca_file, options
            )
        )
    assert stack == "aiohttp", stack
    return asyncio.run(_aiohttp(method, url, consumer, token, body, timeout, ca_file, options))


async def _httpx_async(
    method: str,
    url: str,
    consumer: Consumer,
    token: Token | None,
    data: Any,
    json: Any,
    content: bytes | None,
    timeout: float,
    ca_file: str | None,
    options: dict[str, Any],
) -> Seen:
    async with httpx.AsyncClient(verify=_context(ca_file), timeout=timeout) as client:
        answer = await client.request(
            method,
            url,
            data=data,
            json=json,
            content=content,
            auth=HttpxAuth(consumer, token, **options),
        )
        return Seen(answer.status_code, answer.content, len(answer.history))


async def _aiohttp(
    method: str,
    url: str,
    consumer: Consumer,
    token: Token | None,
    body: dict[str, Any],
    timeout: float,
    ca_file: str | None,
    options: dict[str, Any],
) -> Seen:
    middleware = AiohttpMiddleware(consumer, token, **options)
    async with (
        aiohttp.ClientSession(
            middlewares=(middleware,), timeout=aiohttp.ClientTimeout(total=timeout)
        ) as session,
        session.request(method, url, **body, ssl=_context(ca_file)) as reply,
    ):
        return Seen(reply.status, await reply.read(), len(reply.history))
