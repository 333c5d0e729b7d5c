"""Published test vectors, each with the document that publishes it.

Values here are facts taken from their sources (or, where a source prints none, computed by an
independent implementation named next to the value); tests compare oauthcore's output with them.
"""

from __future__ import annotations

# --- RFC 5849 §1.2 (the "photos" example) -------------------------------------------------------
# Client, temporary and token credentials printed in RFC 5849 §1.2.
PHOTOS_CONSUMER_KEY = "dpf43f3p2l4k3l03"
PHOTOS_CONSUMER_SECRET = "kd94hf93k423kf44"
PHOTOS_TOKEN = "nnch734d00sl2jdk"
PHOTOS_TOKEN_SECRET = "pfkkdhi9sl3r4s00"
PHOTOS_URL = "http://photos.example.net/photos?file=vacation.jpg&size=original"
PHOTOS_NONCE = "chapoH"
PHOTOS_TIMESTAMP = "137131202"
# RFC 5849 §1.2, the signature base string of the protected-resource request (no oauth_version).
PHOTOS_BASE_STRING = (
    "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26"
    "oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26"
    "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26"
    "oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal"
)
# RFC 5849 §1.2 prints this HMAC-SHA1 value. oauthlib 4.0.1 (sign_hmac_sha1 over the base string
# above, with the same secrets) computes the same value, so it is pinned here.
PHOTOS_SIGNATURE = "MdpQcU8iPSUjWoN/UDMsK2sui9I="
# RFC 5849 §1.2, the Authorization header, with its parameters in oauthcore's (sorted) order.
PHOTOS_AUTHORIZATION = (
    'OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_nonce="chapoH",'
    ' oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202",'
    ' oauth_token="nnch734d00sl2jdk", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"'
)

# RFC 5849 §1.2, temporary credentials request (POST /initiate, over https, with a callback),
# then token request (POST /token, temporary credentials plus verifier); neither sends a version.
INITIATE_URL = "https://photos.example.net/initiate"
INITIATE_NONCE = "wIjqoS"
INITIATE_TIMESTAMP = "137131200"
INITIATE_CALLBACK = "http://printer.example.com/ready"
INITIATE_AUTHORIZATION = (
    'OAuth realm="Photos", oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready",'
    ' oauth_consumer_key="dpf43f3p2l4k3l03", oauth_nonce="wIjqoS",'
    ' oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131200",'
    ' oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D"'
)
TOKEN_URL = "https://photos.example.net/token"
TEMPORARY_TOKEN = "hh5s93j4hdidpola"
TEMPORARY_TOKEN_SECRET = "hdhd0244k9j7ao03"
TOKEN_NONCE = "walatlh"
TOKEN_TIMESTAMP = "137131201"
TOKEN_VERIFIER = "hfdp7dh39dks9884"
TOKEN_AUTHORIZATION = (
    'OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_nonce="walatlh",'
    ' oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201",'
    ' oauth_token="hh5s93j4hdidpola", oauth_verifier="hfdp7dh39dks9884",'
    ' oauth_signature="gKgrFCywp7rO0OXSjdot%2FIHF7IU%3D"'
)

# --- OAuth Core 1.0, Appendix A.5 (and the OAuth wiki TestCases page, HMAC-SHA1 section 9.2) -----
# Same credentials and request as the photos example, with oauth_version=1.0.
A5_NONCE = "kllo9940pd9333jh"
A5_TIMESTAMP = "1191242096"
A5_BASE_STRING = (
    "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26"
    "oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26"
    "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26"
    "oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal"
)
A5_SIGNATURE = "tR3+Ty81lMeYAr/Fid0kMTYa/WM="

# --- RFC 5849 §3.4.1.1 (base string example) and §3.4.1.3 (parameter tables) -------------------
RFC_3411_URL = "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b"
RFC_3411_AUTHORIZATION = (
    'OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2",'
    ' oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1",'
    ' oauth_timestamp="137131201", oauth_nonce="7d8f3e4a",'
    ' oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"'
)
RFC_3411_BODY = b"c2&a3=2+q"
# RFC 5849 §3.4.1.3.1: the parameters collected, decoded, in the order the table lists them
# (query, then Authorization header, then body).
RFC_3411_COLLECTED = [
    ("b5", "=%3D"),
    ("a3", "a"),
    ("c@", ""),
    ("a2", "r b"),
    ("oauth_consumer_key", "9djdj82h48djs9d2"),
    ("oauth_token", "kkk9d7dh3k39sjv7"),
    ("oauth_signature_method", "HMAC-SHA1"),
    ("oauth_timestamp", "137131201"),
    ("oauth_nonce", "7d8f3e4a"),
    ("c2", ""),
    ("a3", "2 q"),
]
# RFC 5849 §3.4.1.3.2: the normalized parameter string.
RFC_3411_NORMALIZED = (
    "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2"
    "&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201"
    "&oauth_token=kkk9d7dh3k39sjv7"
)
# RFC 5849 §3.4.1.1: the signature base string.
RFC_3411_BASE_STRING = (
    "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26"
    "b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26"
    "oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26"
    "oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
)
# RFC 5849 publishes no secrets for this example (its bYT5CMsGcbgUdFHObYMEfcx6bsw= cannot be
# recomputed), so signatures of it use the only secrets the RFC does print, those of §1.2.
RFC_3411_CONSUMER_SECRET = PHOTOS_CONSUMER_SECRET
RFC_3411_TOKEN_SECRET = PHOTOS_TOKEN_SECRET

# --- RFC 5849 §3.4.1.2 (base string URI examples) ------------------------------------------------
RFC_3412_URIS = [
    ("HTTP://EXAMPLE.COM:80/r%20v/X?id=123", "http://example.com/r%20v/X"),
    ("https://www.example.net:8080/?q=1", "https://www.example.net:8080/"),
]

# --- RFC 5849 §3.5.1 (Authorization header example) ----------------------------------------------
# The RFC prints the header folded over lines for readability; HTTP/1.1 recipients replace each
# fold with a space (RFC 9112 §5.2), which is the value given here.
RFC_351_AUTHORIZATION = (
    'OAuth realm="Example",'
    ' oauth_consumer_key="0685bd9184jfhq22",'
    ' oauth_token="ad180jjd733klru7",'
    ' oauth_signature_method="HMAC-SHA1",'
    ' oauth_signature="wOJIO9A2W5mFwDgiDvZbTSMK%2FPY%3D",'
    ' oauth_timestamp="137131200",'
    ' oauth_nonce="4572616e48616d6d65724c61686176",'
    ' oauth_version="1.0"'
)
RFC_351_PARAMETERS = [
    ("oauth_consumer_key", "0685bd9184jfhq22"),
    ("oauth_token", "ad180jjd733klru7"),
    ("oauth_signature_method", "HMAC-SHA1"),
    ("oauth_signature", "wOJIO9A2W5mFwDgiDvZbTSMK/PY="),
    ("oauth_timestamp", "137131200"),
    ("oauth_nonce", "4572616e48616d6d65724c61686176"),
    ("oauth_version", "1.0"),
]

# --- Twitter developer documentation, "Creating a signature" -------------------------------------
TWITTER_CONSUMER_KEY = "xvz1evFS4wEEPTGEFPHBog"
TWITTER_CONSUMER_SECRET = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
TWITTER_TOKEN = "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"
TWITTER_TOKEN_SECRET = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
TWITTER_NONCE = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"
TWITTER_TIMESTAMP = "1318622958"
TWITTER_URL = "https://api.twitter.com/1.1/statuses/update.json?include_entities=true"
TWITTER_BODY = b"status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21"
TWITTER_BASE_STRING = (
    "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue"
    "%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3D"
    "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26"
    "oauth_timestamp%3D1318622958%26oauth_token%3D"
    "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3D"
    "Hello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
)
TWITTER_SIGNATURE = "hCtSmYh+iHYCEqBWrE7C7hYmtUk="

# --- OAuth wiki "TestCases" page ------------------------------------------------------------------
# Parameter Encoding (section 5.1) table.
WIKI_ENCODING = [
    ("abcABC123", "abcABC123"),
    ("-._~", "-._~"),
    ("%", "%25"),
    ("+", "%2B"),
    ("&=*", "%26%3D%2A"),
    ("\n", "%0A"),
    (" ", "%20"),
    ("\x7f", "%7F"),
    ("\x80", "%C2%80"),
    ("\u3001", "%E3%80%81"),
]
# Normalize Request Parameters (section 9.1.1) table: form-encoded input, normalized output.
WIKI_NORMALIZE = [
    ("name", "name="),
    ("a=b", "a=b"),
    ("a=b&c=d", "a=b&c=d"),
    ("a=x!y&a=x+y", "a=x%20y&a=x%21y"),
    ("x!y=a&x=a", "x=a&x%21y=a"),
]
# HMAC-SHA1 (section 9.2): consumer secret, token secret, base string, signature.
WIKI_HMAC = [
    ("cs", "", "bs", "egQqG5AJep5sJ7anhXju1unge2I="),
    ("cs", "ts", "bs", "VZVjXceV7JgPq/dOTnNmEfO0Fv8="),
]
# RSA-SHA1 (section 9.3), signed with the page's private key (tests/keys/wiki_oauth_net_rsa.pem).
# "vacaction" is spelled so on the page, and the signature covers that spelling.
WIKI_RSA_URL = "http://photos.example.net/photos?file=vacaction.jpg&size=original"
WIKI_RSA_CONSUMER_KEY = "dpf43f3p2l4k3l03"
WIKI_RSA_NONCE = "13917289812797014437"
WIKI_RSA_TIMESTAMP = "1196666512"
WIKI_RSA_BASE_STRING = (
    "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacaction.jpg%26"
    "oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3D13917289812797014437%26"
    "oauth_signature_method%3DRSA-SHA1%26oauth_timestamp%3D1196666512%26oauth_version%3D1.0%26"
    "size%3Doriginal"
)
WIKI_RSA_SIGNATURE = (
    "jvTp/wX1TYtByB1m+Pbyo0lnCOLIsyGCH7wke8AUs3BpnwZJtAuEJkvQL2/9n4s5wUmUl4aCI4BwpraNx4RtEXMe5qg5"
    "T1LVTGliMRpKasKsW//e+RinhejgCuzoH26dyF8iY2ZZ/5D1ilgeijhV/vBka5twt399mXwaYdCwFYE="
)

# --- OAuth Request Body Hash extension (draft-eaton-oauth-bodyhash): its "Hello World!" example ---
BODY_HASH_BODY = b"Hello World!"
BODY_HASH_SHA1 = "Lve95gjOVATpfV8EL5X4nxwjKHE="
