"""Tests of transports.adapters against real servers on 127.0.0.1: bytes, failures, TLS, limits."""
