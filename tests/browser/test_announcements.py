"""What a screen reader is told after posting: the page opens at the comment with its status
line already there, which a live region does not speak, so the script writes it again once
the page has settled. Recorded here as a screen reader notices it: a change of text inside a
live region after the page loaded."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment

from .helpers import fill_guest_form

pytestmark = pytest.mark.django_db(transaction=True)

# Every text that appears in a live region once the page is parsed (what the parser writes
# is there at load, and not spoken), in order; also on <html data-spoken>, one a line, where
# expect() can wait for it (the page's CSP forbids wait_for_function's eval).
RECORDER = """
window.__spoken = [];
document.addEventListener("DOMContentLoaded", () => new MutationObserver(records => {
  for (const record of records) {
    const region = (record.target.nodeType === 1 ? record.target : record.target.parentElement)
      ?.closest('[role=status], [aria-live]');
    if (region && region.textContent.trim()) {
      window.__spoken.push(region.textContent.trim());
      document.documentElement.dataset.spoken = window.__spoken.join("\\n");
    }
  }
}).observe(document, {subtree: true, childList: true, characterData: true}));
"""


def test_the_result_of_posting_is_announced(live_server, new_page, article):
    page = new_page()
    page.add_init_script(RECORDER)
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, "A comment whose fate is read out.", "Heard Hana")
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(user_name="Heard Hana")
    expect(page.locator(f"#c{comment.pk} .comment-status")).to_contain_text("Thank you")
    # Written again once the page has settled, which a loaded machine may put off.
    expect(page.locator("html")).to_have_attribute(
        "data-spoken", re.compile(r"^Thank you: your comment", re.M)
    )
