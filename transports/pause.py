"""``Pause``: a flow's request to wait before its next step (RFC 9110 §10.2.3, ``Retry-After``).

A sans-I/O flow may not sleep: the driver owns the clock. A flow that wants to wait (a retry's
backoff, a ``Retry-After``) yields a ``Pause`` instead of a request; ``drive`` sleeps with
``time.sleep``, ``drive_async`` with ``asyncio.sleep``, unless the pause names its own ``sleep``
(tests inject one), then resumes the flow with ``next()``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from attrs import frozen

__all__ = ["Pause", "Sleep"]

Sleep = Callable[[float], Awaitable[None] | None]
"""A sleep function for a ``Pause`` (a Retry-After wait, RFC 9110 §10.2.3): ``time.sleep``-like,
or an async one (its result is awaited when async)."""


@frozen
class Pause:
    """Wait ``seconds`` before the flow's next request (RFC 9110 §10.2.3); no I/O in the flow."""

    #: How long to wait, in seconds (0 or more).
    seconds: float
    #: What waits: ``None`` for the driver's own (``time.sleep`` or ``asyncio.sleep``).
    sleep: Sleep | None = None
    #: What ``drive_async`` awaits instead, when the wait differs for tasks (``None``: ``sleep``).
    asleep: Callable[[float], Awaitable[None]] | None = None
