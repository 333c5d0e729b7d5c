"""``oauthcore serve --workers N``: the embedded provider as N gunicorn worker processes (§2).

gunicorn (the ``serve`` extra) forks the workers; each opens its own connections to the shared
store after the fork, since a connection cannot be shared across processes, and every worker
signs the authorization form with the one key made here, so any worker accepts a form another
one served.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from oauthcore.policy import DEFAULT_POLICY, VerifyPolicy

from .._extras import missing_extra
from ..demo import DemoProvider
from ..stores.urls import open_stores

__all__ = ["application", "gunicorn_options", "provider_factory", "serve_workers"]

# The path without the query: a query may carry a verifier or a PLAINTEXT signature (§3.4.4).
_ACCESS_LOG = '%(h)s "%(m)s %(U)s" %(s)s %(b)s'


def provider_factory(
    store: str, csrf_key: bytes, *, policy: VerifyPolicy = DEFAULT_POLICY
) -> Callable[[], DemoProvider]:
    """What each worker calls after the fork: a provider (§2) over its own store connections,
    verifying with ``policy`` (§3.2)."""

    def load() -> DemoProvider:
        return DemoProvider(policy=policy, stores=open_stores(store), csrf_key=csrf_key)

    return load


def gunicorn_options(host: str, port: int, workers: int, *, quiet: bool) -> dict[str, Any]:
    """gunicorn settings: bind, sync workers, the access log without queries (§3.4.4) or none."""
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "accesslog": None if quiet else "-",
        "access_log_format": _ACCESS_LOG,
    }


def application(
    store: str, options: dict[str, Any], *, policy: VerifyPolicy = DEFAULT_POLICY
) -> Any:
    """The gunicorn application serving a provider (RFC 5849 §2, §3.2) over ``store`` in each
    worker, verifying with ``policy``, ``options`` as its settings. Raises ``ImportError`` naming
    the ``serve`` extra when gunicorn is not installed.
    """
    try:
        from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
    except ImportError as exc:
        raise missing_extra("oauthcore serve --workers", "gunicorn", extra="serve") from exc
    load = provider_factory(store, secrets.token_bytes(32), policy=policy)

    class Application(BaseApplication):  # type: ignore[misc]  # gunicorn ships no types
        def load_config(self) -> None:
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self) -> DemoProvider:
            return load()

    return Application()


def serve_workers(  # pragma: no cover - see below
    store: str, options: dict[str, Any], *, policy: VerifyPolicy = DEFAULT_POLICY
) -> None:
    """Run the gunicorn application until stopped (RFC 5849 §2 served by several processes).

    Not run in-process by the tests (it forks and takes over signals): the CLI test runs it in a
    real process; ``application`` is tested in-process.
    """
    application(store, options, policy=policy).run()
