"""``BudgetedResponse``: an ``http.client`` response read within the call's deadline (§3.5).

Theory of operation: ``http.client`` reads the status line and the headers itself, a line at a
time from the buffered file it makes over the socket (``sock.makefile("rb")``), so no adapter
code runs between those reads and a socket timeout set before the request bounds each wait, not
the head. The connections the adapters make use ``BudgetedResponse`` as their
``response_class``: made while a budget with a deadline is in force (``Budget.in_force``), it
swaps the raw reader under that buffered file for ``_BudgetedReads``, which sets the socket's
timeout to the time left before every ``recv`` and raises ``DeadlineExceeded`` once none is
left. Status line, headers and body are all read through it. Without a deadline the file is
left as ``http.client`` made it, so such a call pays nothing per read.
"""

from __future__ import annotations

import http.client
import io
import socket
from typing import TYPE_CHECKING, Any

from ._limits import Budget, budget_in_force

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = ["BudgetedResponse"]


class BudgetedResponse(http.client.HTTPResponse):
    """An ``http.client`` response whose every socket read waits at most the call's time left.

    Status line, headers and body alike: made while a budget with a deadline is in force, its
    buffered file reads through ``_BudgetedReads``. Made outside a call, or for a call without a
    deadline, it is a plain ``HTTPResponse``.
    """

    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        #: The budget of the call that made this response (``None``: made outside a call).
        self.budget = budget_in_force()
        if self.budget is not None and self.budget.deadline is not None:
            # Nothing has been read yet, so the buffer is empty: its raw reader can change hands.
            self.fp = io.BufferedReader(_BudgetedReads(self.fp.detach(), sock, self.budget))


class _BudgetedReads(io.RawIOBase):
    """A socket's raw reader (``makefile``'s), each read waiting at most the time left."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, budget: Budget) -> None:
        super().__init__()
        self._raw = raw
        self._settimeout = sock.settimeout
        self._budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int | None:
        # Raises DeadlineExceeded once no time is left; a wait cut short by the deadline times
        # out, and the adapter's Budget.error names the deadline for it.
        self._settimeout(self._budget.read_timeout())
        return self._raw.readinto(buffer)

    def fileno(self) -> int:
        return self._raw.fileno()

    def close(self) -> None:
        # The socket is released when its last file closes: close the one this reads from.
        self._raw.close()
        super().close()
