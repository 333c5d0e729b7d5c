"""The URLconf of the Django provider tests: views behind OAuthMiddleware and oauth_required."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from transports.provider.django import oauth_required, verified


def describe(request: HttpRequest) -> JsonResponse:
    found = verified(request)
    return JsonResponse(
        {
            "consumer": found.consumer.key,
            "token": None if found.token is None else found.token.key,
            "body": request.body.decode(),
        }
    )


def resource(request: HttpRequest) -> JsonResponse:
    return describe(request)


async def async_resource(request: HttpRequest) -> JsonResponse:
    return describe(request)


@oauth_required
def decorated(request: HttpRequest) -> JsonResponse:
    assert verified(request) is request.oauth  # type: ignore[attr-defined]
    return describe(request)


@oauth_required
async def decorated_async(request: HttpRequest) -> JsonResponse:
    return describe(request)


def open_view(request: HttpRequest) -> HttpResponse:
    try:
        verified(request)
    except LookupError as error:
        return HttpResponse(json.dumps(str(error)))
    raise AssertionError("not verified")  # pragma: no cover - the view's failure path


urlpatterns = [
    path("api/resource", resource),
    path("api/async", async_resource),
    path("api/decorated", decorated),
    path("decorated", decorated),
    path("decorated-async", decorated_async),
    path("api/decorated-async", decorated_async),
    path("open", open_view),
]
