"""The Content-Security-Policy header is built once from the settings, and is the header
django-csp builds; a view's own policy, an exemption and a nonce work as django-csp has them."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as LibraryMiddleware
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory

from core import csp


def _answer(response=None, *, before=None):
    def view(request):
        if before:
            before(request)
        return response or HttpResponse("ok")

    middleware = csp.CSPMiddleware(view)
    request = RequestFactory().get("/somewhere/")
    return request, middleware(request)


def _library(response_maker, *, before=None):
    def view(request):
        if before:
            before(request)
        return response_maker()

    request = RequestFactory().get("/somewhere/")
    return LibraryMiddleware(view)(request)


def test_the_settings_policy_is_built_once_and_is_django_csps(monkeypatch, settings):
    assert "core.csp.CSPMiddleware" in settings.MIDDLEWARE
    assert "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE
    built = []

    def counted(**kwargs):
        built.append(kwargs)
        return build_policy(**kwargs)

    csp._policy_forget(setting="CONTENT_SECURITY_POLICY")
    monkeypatch.setattr(csp, "build_policy", counted)
    answers = [_answer()[1] for _ in range(3)]
    assert len(built) == 2  # the policy and the report-only one (none here), once
    expected = _library(lambda: HttpResponse("ok"))
    for response in answers:
        assert response[HEADER] == expected[HEADER] == build_policy()
        assert "default-src 'self'" in response[HEADER]
        assert HEADER_REPORT_ONLY not in response and HEADER_REPORT_ONLY not in expected


def test_a_settings_change_is_followed(settings):
    before = _answer()[1][HEADER]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {"img-src": ["'self'"]}, "EXCLUDE_URL_PREFIXES": ["/somewhere/"]
    }  # fmt: skip
    response = _answer()[1]
    assert response[HEADER] == "default-src 'none'" != before
    assert HEADER_REPORT_ONLY not in response  # its prefixes exclude this address
    assert _library(lambda: HttpResponse("ok"))[HEADER] == response[HEADER]


def test_a_views_own_policy_an_exemption_and_a_header_set_are_kept():
    own = HttpResponse("ok")
    own._csp_update = {"img-src": ["https://images.example.org"]}
    assert "https://images.example.org" in _answer(own)[1][HEADER]
    exempt = HttpResponse("ok")
    exempt._csp_exempt = True
    assert HEADER not in _answer(exempt)[1]
    written = HttpResponse("ok")
    written[HEADER] = "default-src 'self' https://cdn.example.org"
    assert _answer(written)[1][HEADER] == "default-src 'self' https://cdn.example.org"


def test_a_nonce_asked_for_is_in_the_header_and_one_asked_for_too_late_raises(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'", NONCE]}}
    nonces = []
    request, response = _answer(before=lambda request: nonces.append(str(request.csp_nonce)))
    assert f"'nonce-{nonces[0]}'" in response[HEADER]
    request, response = _answer()
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
