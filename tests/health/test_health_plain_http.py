"""With HTTPS required (SECURE_SSL_REDIRECT, production's default), every page asked over
plain HTTP is redirected, but /healthz answers what it finds: a monitor asking gunicorn
directly would otherwise get a 301 whatever the health."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_health_check_answers_over_plain_http_and_pages_are_redirected(
    client, article, settings, beat_looked
):
    settings.SECURE_SSL_REDIRECT = True
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert client.get(article.get_absolute_url()).status_code == 301
