"""Shared fixtures: the published RSA test keys (see tests/keys/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

KEYS = Path(__file__).parent / "keys"


def key_text(name: str) -> str:
    """The PEM text of a published test key in tests/keys/."""
    return (KEYS / name).read_text("ascii")


@pytest.fixture(scope="session")
def rsa_private_pem() -> str:
    """oauthlib's published 1024-bit RSA private key (PKCS#1 PEM)."""
    return key_text("oauthlib_1024.pem")


@pytest.fixture(scope="session")
def rsa_public_pem() -> str:
    """The public half of ``rsa_private_pem`` (PKCS#1 PEM)."""
    return key_text("oauthlib_1024.pkcs1.pub.pem")


@pytest.fixture(scope="session")
def rsa_2048_private_pem() -> str:
    """authlib's published 2048-bit RSA private key (PKCS#1 PEM)."""
    return key_text("authlib_2048.pem")


@pytest.fixture(scope="session")
def wiki_private_pem() -> str:
    """The OAuth wiki TestCases RSA-SHA1 private key (PKCS#8 PEM)."""
    return key_text("wiki_oauth_net_rsa.pem")


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """``@pytest.mark.anyio`` tests run on asyncio (aiohttp and the AsyncClient need it)."""
    return "asyncio"
