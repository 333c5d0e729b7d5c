"""Tests against other implementations: oauthlib, authlib, python-oauth2, real providers."""
