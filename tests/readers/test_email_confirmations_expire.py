"""Address confirmations past allauth's expiry are deleted by a daily beat job, embedded too:
with ACCOUNT_EMAIL_CONFIRMATION_HMAC off every confirmation email leaves a row."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from django.utils import timezone

from core.embedded_beat import beat_jobs_run_due
from readers.services import email_confirmations_expire

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmation(make_user):
    """A confirmation of a new address, created (and unless `sent` is False, sent) `days` ago."""
    user = make_user("confirming")
    address = EmailAddress.objects.create(user=user, email="confirming@example.org")

    def make(days: float, *, sent: bool = True) -> EmailConfirmation:
        made = EmailConfirmation.create(address)
        at = timezone.now() - timedelta(days=days)
        EmailConfirmation.objects.filter(pk=made.pk).update(created=at, sent=at if sent else None)
        return made

    return make


def test_expired_confirmations_go_and_fresh_ones_stay(settings, confirmation):
    """A confirmation sent more than ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS ago is deleted,
    as is one never sent that old; younger ones, sent or not, still confirm and stay."""
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
    expired = confirmation(3.1)
    never_sent = confirmation(3.1, sent=False)
    fresh = confirmation(2.9)
    sending = confirmation(0, sent=False)

    email_confirmations_expire()

    left = set(EmailConfirmation.objects.values_list("pk", flat=True))
    assert left == {fresh.pk, sending.pk}
    assert expired.pk not in left and never_sent.pk not in left
    assert EmailConfirmation.from_key(fresh.key) is not None


def test_beat_runs_it_daily_and_so_does_the_embedded_default(settings, confirmation):
    """The job is on beat's schedule; embedded, the web process's own beat runs it inline."""
    entry = settings.CELERY_BEAT_SCHEDULE["email-confirmations-expire"]
    assert entry == {"task": "readers.tasks.email_confirmations_expire_task", "schedule": 86400.0}
    settings.CELERY_BEAT_SCHEDULE = {"email-confirmations-expire": entry}
    confirmation(30)
    fresh = confirmation(0)

    assert beat_jobs_run_due() == ["email-confirmations-expire"]

    assert list(EmailConfirmation.objects.values_list("pk", flat=True)) == [fresh.pk]
