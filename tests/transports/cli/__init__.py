"""Tests of the oauthcore command line: sign, request, demo and serve."""
