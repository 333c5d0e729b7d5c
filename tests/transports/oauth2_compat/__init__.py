"""Tests of transports.oauth2_compat, python-oauth2's API on oauthcore."""
