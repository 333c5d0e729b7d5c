"""A refused reply's problem report, read back into a line a person can act on (RFC 5849 §3.2).

Providers that follow OAuth Problem Reporting answer a refusal with a form-encoded body such as
``oauth_problem=signature_invalid&oauth_problem_advice=...``. ``oauthcore request`` prints the
body as it came, then this summary on stderr, with a next step for the problems that have one.
Everything shown comes from the network, so it is cut short and stripped of control characters.
"""

from __future__ import annotations

from oauthcore.problems import read_problem_report

__all__ = ["HINTS", "describe"]

_SHOWN = 300

HINTS = {
    "signature_invalid": (
        "run 'oauthcore sign' with the same METHOD URL and options, the request's --nonce and"
        " --timestamp, and --explain, then compare the base string with the provider's"
    ),
    "timestamp_refused": "check this machine's clock (oauth_timestamp is the current time)",
}
"""The next step to suggest for an OAuth Problem Reporting ``oauth_problem`` code, the reason a
provider gives for a refusal (RFC 5849 §3.2)."""


def _printable(text: str) -> str:
    shown = text if len(text) <= _SHOWN else text[:_SHOWN] + "..."
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in shown)


def describe(body: bytes) -> list[str]:
    """The lines that summarize a problem report body (§3.2); none when it is not one."""
    report = read_problem_report(body)
    problem = report.pop("oauth_problem", None)
    if not problem:
        return []
    advice = report.pop("oauth_problem_advice", None)
    line = f"refused: {_printable(problem)}"
    details = [
        f"{_printable(name.removeprefix('oauth_'))} {_printable(value)}"
        for name, value in report.items()
        if name.startswith("oauth_")
    ]
    if details:
        line += f" ({', '.join(details)})"
    if advice:
        line += f": {_printable(advice)}"
    hint = HINTS.get(problem)
    return [line] if hint is None else [line, f"hint: {hint}"]
