"""Shared provider stores on real engines: Redis and SQL (RFC 5849 §2, §3.3).

A provider with several worker processes or hosts needs one nonce store and one token store that
all of them see: a nonce used at one worker must be refused at every other, and a request token
issued by one must be found, authorized and exchanged (once) at any other.

- ``transports.stores.redis``: ``RedisNonceStore``, ``RedisCredentialStore`` (extra ``redis``)
- ``transports.stores.redis_async``: the same over ``redis.asyncio``
- ``transports.stores.sql``: ``SqlNonceStore``, ``SqlCredentialStore`` through SQLAlchemy 2
  (extra ``sql``; ``postgresql`` adds the PostgreSQL driver)
- ``transports.stores.urls``: ``open_stores(url)``, the stores a URL names, as ``oauthcore serve
  --store`` uses it

Each module imports its library only when imported itself.
"""

from __future__ import annotations

__all__: list[str] = []
