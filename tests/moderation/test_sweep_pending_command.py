"""sweep_pending's arguments: a mistake is a clear error."""

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_sweep_pending_refuses_an_age_no_date_can_reach():
    """--older-than far past any date is a CommandError."""
    with pytest.raises(CommandError, match="--older-than"):
        call_command("sweep_pending", older_than=99999999999)
