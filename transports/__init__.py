"""transports: the I/O edge of oauthcore: HTTP adapters, the Client, WSGI provider pieces, the CLI.

Importing this package loads no HTTP library; each adapter loads its own on first use.
"""

from __future__ import annotations

__all__: list[str] = []
