"""The embedded demo provider: a whole OAuth 1.0a provider in memory, served on loopback (§2, §3).

``DemoProvider`` is the WSGI app (``provider``), its pages live in ``pages``, ``RunningProvider``
serves it in a thread (``server``) and ``click`` plays the resource owner's browser
(``browser``); ``DemoLMS`` is an LTI 1.1 tool consumer that launches tools and takes their grades
(``lms``). This package is the stable import path: ``from transports.demo import ...``.
"""

from __future__ import annotations

from .browser import Decision, click
from .lms import DEMO_COURSE, DEMO_TOOL, DemoLMS, RunningLMS
from .provider import DEMO_APP_NAME, DEMO_CONSUMER, DEMO_USER, DemoProvider, DemoUser
from .server import Endpoints, RunningProvider, server_url

__all__ = [
    "DEMO_APP_NAME",
    "DEMO_CONSUMER",
    "DEMO_COURSE",
    "DEMO_TOOL",
    "DEMO_USER",
    "Decision",
    "DemoLMS",
    "DemoProvider",
    "DemoUser",
    "Endpoints",
    "RunningLMS",
    "RunningProvider",
    "click",
    "server_url",
]
