"""Small helpers the browser tests share."""


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
