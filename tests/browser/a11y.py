"""Helpers for the accessibility tests: axe-core on a page in both palettes, with a report a
person can act on; signing in; where keyboard focus is, whether it shows and how well; and
whether a result is said in a live region."""

from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# axe-core is bundled with the package and injected into the page: no network at test time.
AXE = Axe()
PALETTES = ("light", "dark")
# What a palette changes: the rest of axe's rules see the same page in both, so the dark one
# runs these alone (about half the time of a full run).
COLOUR_RULES = ("color-contrast", "link-in-text-block")
PASSWORD = "a-long-passphrase"  # what tests/conftest.py's make_user sets


def axe_violations(page: Page, rules: tuple[str, ...] = ()) -> list[dict]:
    """What axe-core finds wrong with the page as it is now: every rule axe runs by default,
    or only `rules`."""
    # A state reached by a click is proved by an element of its page, which can be there while
    # the rest is still arriving: audit the whole page, loaded (at once if it is already).
    page.wait_for_load_state()
    options: dict = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    if page.evaluate("() => typeof window.axe === 'object'"):
        # Already injected into this document (the other palette): run it again, as Axe.run does.
        return page.evaluate("options => axe.run(options)", options)["violations"]
    return AXE.run(page, options=options).response["violations"]


def violations_text(violations: list[dict]) -> str:
    """Each violation: rule id, impact, what it asks for, and every element that breaks it."""
    lines = []
    for violation in violations:
        lines.append(
            f"  {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    - {target}: {summary}")
    return "\n".join(lines)


@dataclass
class AxeTour:
    """Runs axe-core on each page state a test reaches, in the light palette (every rule) and
    again in the dark one (the colour rules), and keeps every violation for one report."""

    page: Page
    failures: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def check(self, state: str) -> None:
        for palette in PALETTES:
            self.page.emulate_media(color_scheme=palette)
            dark = self.page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
            assert dark == (palette == "dark"), f"the {palette} palette was not switched on"
            violations = axe_violations(self.page, () if palette == "light" else COLOUR_RULES)
            if violations:
                where = f"{state} [{palette}] at {self.page.url}"
                self.failures.append(f"{where}\n{violations_text(violations)}")
        self.page.emulate_media(color_scheme="light")
        self.checked.append(state)

    def report(self) -> str:
        return (
            f"axe-core found violations in {len(self.failures)} of "
            f"{2 * len(self.checked)} page states:\n\n" + "\n\n".join(self.failures)
        )


def sign_in(page: Page, base_url: str, username: str) -> None:
    """Sign in through the login form and land on the front page."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{base_url}/")


FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/) : [];
  return {
    focusVisible: el.matches(":focus-visible"),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    describe: [el.tagName.toLowerCase() + (el.id ? "#" + el.id : ""), ...classes].join("."),
  };
}"""


def focus_shown(page: Page) -> dict | None:
    """Where focus is, whether the browser counts it as visible focus (:focus-visible) and
    whether it draws an outline of at least 2px there; None when nothing has focus."""
    return page.evaluate(FOCUS_SHOWN)


def assert_focus_visible(page: Page) -> str:
    """Fail unless the focused element shows an outline; gives what has focus."""
    shown = focus_shown(page)
    assert shown is not None, "nothing has focus"
    assert shown["focusVisible"] and shown["outline"], f"focus is not visible on {shown}"
    return shown["describe"]


# The outline sits outside the element (outline-offset), on its nearest ancestor's background.
FOCUS_RING = """() => {
  const el = document.activeElement;
  let background = "rgb(255, 255, 255)";
  for (let around = el.parentElement; around; around = around.parentElement) {
    const colour = getComputedStyle(around).backgroundColor;
    if (colour !== "transparent" && colour !== "rgba(0, 0, 0, 0)") {
      background = colour;
      break;
    }
  }
  return [getComputedStyle(el).outlineColor, background];
}"""


def _luminance(colour: str) -> float:
    inside = colour[colour.index("(") + 1 : colour.index(")")]
    channels = (float(part) / 255 for part in inside.split(",")[:3])
    red, green, blue = (
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    )
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two computed colours ("rgb(r, g, b)")."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def focus_ring_contrast(page: Page) -> float:
    """The contrast of the focused element's outline against the background around it."""
    ring, background = page.evaluate(FOCUS_RING)
    return contrast(ring, background)


LIVE_REGIONS = "[role=status], [role=alert], [role=log], [aria-live]:not([aria-live=off])"


def announced(page: Page, text: str) -> bool:
    """Whether `text` is in a live region (role status, alert or log, or aria-live), where a
    screen reader says it without the reader going there."""
    return page.evaluate(
        """([selector, text]) => Array.from(document.querySelectorAll(selector)).some(
          region => region.textContent.replace(/\\s+/g, " ").includes(text))""",
        [LIVE_REGIONS, text],
    )
