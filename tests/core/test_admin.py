"""Every admin of the project answers a key or a filter value out of range as Django does a
missing object or a bad filter, never with a server error."""

import pytest
from django.contrib import admin
from django.urls import reverse

from core.admin import LookupsOutOfRange

pytestmark = pytest.mark.django_db

# Registered by the libraries Parley uses, with their own admins.
LIBRARY_MODELS = {"sites.site", "account.emailaddress", "account.emailconfirmation"}
PROJECT_ADMINS = {
    model._meta.label_lower: model_admin
    for model, model_admin in admin.site._registry.items()
    if model._meta.label_lower not in LIBRARY_MODELS
}
TOO_LARGE = "99999999999999999999"


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("boss", is_staff=True, is_superuser=True))
    return client


def admin_url(label: str, view: str, *args) -> str:
    return reverse(f"admin:{label.replace('.', '_')}_{view}", args=args)


def test_every_admin_of_the_project_uses_the_shared_lookup_guard():
    """A new admin cannot forget it: each one registered by the project has it."""
    assert [
        label for label, a in PROJECT_ADMINS.items() if not isinstance(a, LookupsOutOfRange)
    ] == []


@pytest.mark.parametrize("label", sorted(PROJECT_ADMINS))
def test_a_key_beyond_the_columns_range_is_an_object_that_does_not_exist(staff_client, label):
    """The change page of a key too large for the database redirects as for any missing
    object (a comment's key, a link to its parent row, skips Django's own range check)."""
    response = staff_client.get(admin_url(label, "change", TOO_LARGE))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


WITH_CREATED_AT = [
    "moderation.ban", "moderation.webhook", "moderation.report", "moderation.spamverdict",
    "moderation.trainingexample", "moderation.webhookdelivery", "readers.follow",
    "transfer.importrun", "articles.article",
]  # fmt: skip


@pytest.mark.parametrize("label", WITH_CREATED_AT)
@pytest.mark.parametrize("year", ["0", TOO_LARGE])
def test_a_year_no_date_can_have_is_a_bad_filter(staff_client, label, year):
    """Filtering a list on year 0 (or a year too large) is sent back with ?e=1, as Django
    does any filter it cannot apply."""
    url = admin_url(label, "changelist")
    response = staff_client.get(url, {"created_at__year": year})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"
