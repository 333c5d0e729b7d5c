"""End-to-end runs: the Client against the demo provider, load, the examples and a real browser."""
