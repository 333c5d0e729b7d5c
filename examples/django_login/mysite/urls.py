"""URLs: home, login/ (to the provider), login/authenticated/ (back from it), logout/."""

from __future__ import annotations

from django.urls import path
from signin import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.oauth_login, name="login"),
    path("login/authenticated/", views.oauth_authenticated, name="login_authenticated"),
    path("logout/", views.oauth_logout, name="logout"),
]
