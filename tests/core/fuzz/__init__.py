"""Fuzzers of the core's parsers: hostile input raises only OAuthError, in bounded time."""
