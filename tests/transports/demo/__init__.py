"""Tests of transports.demo: the embedded provider and its authorization page."""
