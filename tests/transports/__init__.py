"""Tests of the I/O edge, transports: the Response and error surface, the Client, redirects."""
