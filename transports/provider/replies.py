"""WSGI answers for a provider: ``Reply`` (status, headers, body) and ``HTTPProblem`` (§3.2)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from http import HTTPStatus
from wsgiref.types import StartResponse

from oauthcore import OAuthError, Request, VerifyPolicy
from oauthcore.diagnosis import revealed_base_string
from oauthcore.problems import problem_response

__all__ = ["HTTPProblem", "Reply"]


class HTTPProblem(Exception):
    """A request refused before RFC 5849 §3.2 checks could start (body too large, bad bytes)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _status_line(status: int) -> str:
    return f"{status} {HTTPStatus(status).phrase}"


class Reply:
    """One WSGI answer: status, headers, body; ``answer(start_response)`` sends it (§3.2)."""

    __slots__ = ("body", "headers", "status")

    def __init__(
        self, status: int, headers: Iterable[tuple[str, str]] = (), body: bytes = b""
    ) -> None:
        self.status = status
        self.headers = [*headers, ("Content-Length", str(len(body)))]
        self.body = body

    @classmethod
    def json(cls, status: int, document: object) -> Reply:
        """A JSON reply, never cached: it may describe who signed (RFC 5849 §3.2 result)."""
        body = json.dumps(document, indent=2, sort_keys=True).encode("utf-8") + b"\n"
        return cls(
            status, [("Content-Type", "application/json"), ("Cache-Control", "no-store")], body
        )

    @classmethod
    def text(cls, status: int, message: str) -> Reply:
        """A plain-text reply of one line, for refusals outside RFC 5849 §3.2 (405, 413)."""
        return cls(status, [("Content-Type", "text/plain; charset=utf-8")], f"{message}\n".encode())

    @classmethod
    def problem(
        cls, error: OAuthError, realm: str | None = None, *, base_string: str | None = None
    ) -> Reply:
        """The 400/401 answer with its challenge and problem report (RFC 5849 §3.2).

        ``base_string`` (development mode only) goes in as ``oauth_signature_base_string``.
        """
        answer = problem_response(error, realm=realm, base_string=base_string)
        return cls(answer.status, answer.headers, answer.body)

    @classmethod
    def refusal(
        cls,
        error: OAuthError | HTTPProblem,
        request: Request | None,
        policy: VerifyPolicy,
        realm: str | None = None,
    ) -> Reply:
        """``problem``, with the provider's base string when ``policy.reveal_base_string`` (§3.4.1).

        The one place a provider piece answers a refused request: an ``HTTPProblem`` (refused
        before the §3.2 checks, so with no ``request``) as ``text``, an ``OAuthError`` as
        ``problem``, showing the base string of ``request`` if the policy says so.
        """
        if isinstance(error, HTTPProblem):
            return cls.text(error.status, error.message)
        base_string = None if request is None else revealed_base_string(request, error, policy)
        return cls.problem(error, realm, base_string=base_string)

    def __call__(self, start_response: StartResponse) -> list[bytes]:
        """Start the response and return the body iterable."""
        start_response(_status_line(self.status), self.headers)
        return [self.body]
