"""Tests of the pure core, oauthcore: records, encoding, signing, parsing, verification, flows."""
