"""python-oauth2's README examples, run against the embedded demo provider.

Each example is python-oauth2's README text with ``import oauth2 as oauth`` changed to
``import transports.oauth2_compat as oauth`` and only what Python 3 forces changed besides:
``print(...)``, ``urllib.parse`` for ``urlparse``, ``input`` for ``raw_input`` and, since httplib2
returns the body as bytes on Python 3, ``content.decode()`` where the body is parsed. The
signing example also loses two typos that stopped it running on any Python (a missing comma
and ``tok``/``con`` for ``token``/``consumer``). The example URLs (Twitter's, python-oauth2's
``example.com``) are pointed at the demo provider; the example credentials are registered with
it as they are written.
"""

from __future__ import annotations

import builtins
import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

import oauthcore
from oauthcore import TokenKind
from transports import UrllibTransport
from transports.demo import DemoProvider, RunningProvider, click

TWITTER = "http://twitter.com"

SIGNING_EXAMPLE = """
import transports.oauth2_compat as oauth
import time

# Set the API endpoint
url = "http://example.com/photos"

# Set the base oauth_* parameters along with any other parameters required
# for the API call.
params = {
    'oauth_version': "1.0",
    'oauth_nonce': oauth.generate_nonce(),
    'oauth_timestamp': int(time.time()),
    'user': 'joestump',
    'photoid': 555555555555
}

# Set up instances of our Token and Consumer. The Consumer.key and
# Consumer.secret are given to you by the API provider. The Token.key and
# Token.secret is given to you after a three-legged authentication.
token = oauth.Token(key="tok-test-key", secret="tok-test-secret")
consumer = oauth.Consumer(key="con-test-key", secret="con-test-secret")

# Set our token/key parameters
params['oauth_token'] = token.key
params['oauth_consumer_key'] = consumer.key

# Create our request. Change method, etc. accordingly.
req = oauth.Request(method="GET", url=url, parameters=params)

# Sign the request.
signature_method = oauth.SignatureMethod_HMAC_SHA1()
req.sign_request(signature_method, consumer, token)
"""

CLIENT_EXAMPLE = """
import transports.oauth2_compat as oauth

# Create your consumer with the proper key/secret.
consumer = oauth.Consumer(key="your-twitter-consumer-key",
    secret="your-twitter-consumer-secret")

# Request token URL for Twitter.
request_token_url = "http://twitter.com/oauth/request_token"

# Create our client.
client = oauth.Client(consumer)

# The OAuth Client request works just like httplib2 for the most part.
resp, content = client.request(request_token_url, "POST")
print(resp)
print(content)
"""

THREE_LEGGED_EXAMPLE = """
import urllib.parse as urlparse
import transports.oauth2_compat as oauth

consumer_key = 'my_key_from_twitter'
consumer_secret = 'my_secret_from_twitter'

request_token_url = 'http://twitter.com/oauth/request_token'
access_token_url = 'http://twitter.com/oauth/access_token'
authorize_url = 'http://twitter.com/oauth/authorize'

consumer = oauth.Consumer(consumer_key, consumer_secret)
client = oauth.Client(consumer)

# Step 1: Get a request token. This is a temporary token that is used for
# having the user authorize an access token and to sign the request to obtain
# said access token.

resp, content = client.request(request_token_url, "POST")
if resp['status'] != '200':
    raise Exception("Invalid response %s." % resp['status'])

request_token = dict(urlparse.parse_qsl(content.decode()))

print("Request Token:")
print("    - oauth_token        = %s" % request_token['oauth_token'])
print("    - oauth_token_secret = %s" % request_token['oauth_token_secret'])
print()

# Step 2: Redirect to the provider. Since this is a CLI script we do not
# redirect. In a web application you would redirect the user to the URL
# below.

print("Go to the following link in your browser:")
print("%s?oauth_token=%s" % (authorize_url, request_token['oauth_token']))
print()

# After the user has granted access to you, the consumer, the provider will
# redirect you to whatever URL you have told them to redirect to. You can
# usually define this in the oauth_callback argument as well.
accepted = 'n'
while accepted.lower() == 'n':
    accepted = input('Have you authorized me? (y/n) ')
oauth_verifier = input('What is the PIN? ')

# Step 3: Once the consumer has redirected the user back to the oauth_callback
# URL you can request the access token the user has approved. You use the
# request token to sign this request. After this is done you throw away the
# request token and use the access token returned. You should store this
# access token somewhere safe, like a database, for future use.
token = oauth.Token(request_token['oauth_token'],
    request_token['oauth_token_secret'])
token.set_verifier(oauth_verifier)
client = oauth.Client(consumer, token)

resp, content = client.request(access_token_url, "POST")
access_token = dict(urlparse.parse_qsl(content.decode()))

print("Access Token:")
print("    - oauth_token        = %s" % access_token['oauth_token'])
print("    - oauth_token_secret = %s" % access_token['oauth_token_secret'])
print()
print("You may now access protected resources using the access tokens above.")
print()
"""


@pytest.fixture(scope="module")
def running() -> Iterator[RunningProvider]:
    provider = DemoProvider()
    # The README's example credentials, registered as written.
    provider.add_consumer(oauthcore.Consumer("con-test-key", "con-test-secret"), "README app")
    provider.add_consumer(
        oauthcore.Consumer("your-twitter-consumer-key", "your-twitter-consumer-secret"),
        "README client",
    )
    provider.add_consumer(
        oauthcore.Consumer("my_key_from_twitter", "my_secret_from_twitter"), "README CLI"
    )
    access = oauthcore.Token(
        "tok-test-key", "tok-test-secret", extra=[("user_id", "1"), ("screen_name", "joestump")]
    )
    provider.credentials.add_token("con-test-key", access, TokenKind.ACCESS)
    with provider.serve() as served:
        yield served


def run(example: str, running: RunningProvider) -> dict[str, Any]:
    code = example.replace(TWITTER, running.url).replace(
        "http://example.com/photos", running.endpoints.resource
    )
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(code, "python-oauth2 README", "exec"), namespace)  # noqa: S102 - the README
    return namespace


def test_signing_example(running: RunningProvider) -> None:
    namespace = run(SIGNING_EXAMPLE, running)
    req = namespace["req"]
    assert isinstance(req["oauth_signature"], str)
    assert "oauth_body_hash" not in req
    # The signed request, sent as python-oauth2's Client sends a GET, is accepted.
    with urllib.request.urlopen(req.to_url(), timeout=10) as answer:
        assert answer.status == 200
        me = json.load(answer)
    assert me["screen_name"] == "joestump"
    assert me["consumer_key"] == "con-test-key"


def test_client_example(running: RunningProvider, capsys: pytest.CaptureFixture[str]) -> None:
    namespace = run(CLIENT_EXAMPLE, running)
    assert namespace["resp"].status == 200
    printed = capsys.readouterr().out
    assert "'status': '200'" in printed
    assert "oauth_token=" in printed
    assert "oauth_callback_confirmed=true" in printed


def test_three_legged_command_line_flow(
    running: RunningProvider, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: list[str] = []
    decisions = []

    def user(prompt: str) -> str:
        """The person at the terminal: opens the printed link, approves, types the PIN."""
        answers.append(prompt)
        if prompt.startswith("Have you authorized me?"):
            if len(answers) == 1:
                return "n"  # not yet: the script asks again
            link = capsys.readouterr().out.split("browser:\n", 1)[1].splitlines()[0]
            decisions.append(click(link, UrllibTransport()))
            return "y"
        assert decisions[0].pin is not None
        return decisions[0].pin

    monkeypatch.setattr(builtins, "input", user)
    namespace = run(THREE_LEGGED_EXAMPLE, running)
    assert answers == [
        "Have you authorized me? (y/n) ",
        "Have you authorized me? (y/n) ",
        "What is the PIN? ",
    ]
    access_token = namespace["access_token"]
    assert access_token["screen_name"] == running.provider.user.screen_name
    printed = capsys.readouterr().out
    assert f"oauth_token        = {access_token['oauth_token']}" in printed
    assert "You may now access protected resources" in printed
    # The access token works for the protected resource, through the same Client.
    oauth = namespace["oauth"]
    token = oauth.Token(access_token["oauth_token"], access_token["oauth_token_secret"])
    resp, content = oauth.Client(namespace["consumer"], token).request(running.endpoints.resource)
    assert resp.status == 200
    assert json.loads(content)["app"] == "README CLI"


def test_without_a_callback_an_oauth_1_0a_provider_refuses(running: RunningProvider) -> None:
    # What python-oauth2 itself sent: no oauth_callback, which RFC 5849 §2.1 requires.
    import transports.oauth2_compat as oauth

    client = oauth.Client(oauth.Consumer("my_key_from_twitter", "my_secret_from_twitter"))
    client.callback = None
    resp, content = client.request(running.endpoints.request_token, "POST")
    assert resp.status == 400
    assert b"oauth_callback" in content


def test_client_placements_all_verify_at_the_provider(running: RunningProvider) -> None:
    # A GET (query), a form POST (body) and a JSON PUT (header plus oauth_body_hash), signed by the
    # compat Client with the README's access token, all pass the demo provider's verification.
    import transports.oauth2_compat as oauth

    client = oauth.Client(
        oauth.Consumer("con-test-key", "con-test-secret"),
        oauth.Token("tok-test-key", "tok-test-secret"),
    )
    resource = running.endpoints.resource
    answers = [
        client.request(resource),
        client.request(resource, "POST", body="user=joestump"),
        client.request(resource, "PUT", body=b"{}", headers={"content-type": "application/json"}),
    ]
    for resp, content in answers:
        assert resp.status == 200
        assert json.loads(content)["screen_name"] == "joestump"
