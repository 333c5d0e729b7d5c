"""Sign a request in pure code, for a library that does its own HTTP (no transport needed).

Run: python examples/sign_only.py
"""

from __future__ import annotations

from oauthcore import Consumer, Request, Token, sign
from oauthcore.base_string import signature_base


def main() -> None:
    consumer = Consumer("demo-consumer-key", "demo-consumer-secret")
    token = Token("demo-token", "demo-token-secret")
    request = Request("GET", "https://api.example.com/photos?size=original&file=vacation.jpg")
    signed = sign(request, consumer, token)
    print("Signed request, ready for any HTTP library:")
    print(f"  {signed.method} {signed.url}")
    for name, value in signed.headers:
        print(f"  {name}: {value}")
    print("What the signature covers (the signature base string, RFC 5849 §3.4.1):")
    print(f"  {signature_base(signed).base_string}")


if __name__ == "__main__":
    main()
