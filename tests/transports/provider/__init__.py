"""Tests of the WSGI provider side: protected resources, token endpoints, Host checks."""
