"""Small helpers the browser tests share."""

from playwright.sync_api import expect


def in_viewport(page, selector: str) -> bool:
    """Whether the element is inside the visible part of the window, not just in the page
    (to within a pixel: layout puts edges at fractions of one)."""
    return page.eval_on_selector(
        selector,
        """el => { const r = el.getBoundingClientRect();
                   return r.top >= -1 && r.bottom <= window.innerHeight + 1 && r.height > 0; }""",
    )


def focused_id(page) -> str:
    """The id of the element that has focus."""
    return page.evaluate("document.activeElement && document.activeElement.id")


def fill_guest_form(page, text: str, name: str) -> None:
    page.fill("#id_comment", text)
    page.fill("#id_name", name)


# A click (or Enter) that sends a form waits for the next page to begin, not to be parsed:
# what is read or pressed at once can be the page it was sent from, or half of the new one.


def error_summary_shown(page, selector: str = "#error-summary") -> None:
    """Wait for the error summary of the page a form was sent to: it has focus (autofocus and
    the page's script give it once it is parsed), and the page has loaded, so where it sits in
    the window is where it stays."""
    expect(page.locator(selector)).to_be_focused()
    page.wait_for_load_state()


def refusal_shown(page) -> None:
    """Wait for the page refusing a comment sent without its security token (the shared page's
    form, without scripts), loaded. It has the comment form too, so its fields read or its
    button pressed any sooner can be those of the page the comment was sent from."""
    expect(page.get_by_role("heading", name="Your comment was not posted yet")).to_be_visible()
    page.wait_for_load_state()
