"""Benchmarks for oauthcore, run with ``python -m benchmarks`` (``make bench``), never by the tests.

Each suite times oauthcore side by side with its peers in one process and prints µs per operation,
ratios and a PASS/FAIL line for every performance target. See docs/benchmarks.md for the method.
"""
