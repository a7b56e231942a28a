"""Helpers for the browser tests: axe-core checks, reading mails, URLs of a consultation."""

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()
BLOCKING = {"serious", "critical"}


def axe_check(page, label: str) -> None:
    """axe-core (shipped in axe-playwright-python) on the page as it is now: zero serious or
    critical violations."""
    results = _AXE.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    report = "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:3])
        for v in bad
    )
    assert not bad, f"axe-core on {label} ({page.url}):\n{report}"


def link_in_mail(message, contains: str) -> str:
    import re
    from urllib.parse import urlsplit

    for url in re.findall(r"https?://\S+", message.body):
        if contains in url:  # the path: mails use the configured site address, not the test's
            parts = urlsplit(url)
            return parts.path + (f"?{parts.query}" if parts.query else "")
    raise AssertionError(f"no link with {contains!r} in: {message.body}")


def sub(page_obj, route, *args) -> str:
    return page_obj.url + page_obj.reverse_subpage(route, args=args)


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab (only the keyboard) until the focused element matches ``selector``."""
    for _ in range(limit):
        if page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def choose_radio(page, name: str, value: str) -> None:
    """Reach a radio group with Tab and pick ``value`` with the arrow keys and Space."""
    tab_to(page, f'input[type=radio][name="{name}"]')
    for _ in range(20):
        if page.evaluate("() => document.activeElement.value") == value:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {value} in {name}")


def focused_is_visible(page) -> bool:
    """The focused element has a visible focus indicator (outline or box-shadow)."""
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
            || s.boxShadow !== 'none'; }"""
    )


def sign_in(page, live, user):
    """A session for ``user`` set as a cookie: signing in through the form is tested once
    (sign-up); people with TOTP would need a code at every test otherwise."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live.url,
            }
        ]
    )


def fill_form(page, data: dict, form: str = "main form") -> None:
    """Fill fields by name whatever their widget: text, textarea, select (one or many),
    checkboxes and radios (by value), files (path)."""
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        field = page.locator(f'{form} [name="{name}"]')
        kind = field.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind.startswith("select"):
            field.first.select_option([str(v) for v in values])
        elif kind.endswith(":checkbox") or kind.endswith(":radio"):
            if field.count() == 1 and value in ("on", True):
                field.first.check()
            else:
                for v in values:
                    page.locator(f'{form} [name="{name}"][value="{v}"]').check()
        elif kind.endswith(":file"):
            field.first.set_input_files(values)
        else:
            field.first.fill(str(value))


# The elements sticking out of the viewport, innermost first, unless a scrolling region of
# their own (overflow-x auto/hidden inside the viewport) holds them.
OFFENDERS = """() => {
  const w = document.documentElement.clientWidth;
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (e.classList.length ? '.' + [...e.classList].join('.') : '');
  const held = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p); const r = p.getBoundingClientRect();
      if (s.overflowX !== 'visible' && r.right <= w + 1 && r.left >= -1) return true; }
    return false; };
  const out = [...document.body.querySelectorAll('*')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.right > w + 1 || r.left < -1) && !held(e); });
  return out.filter(e => !out.some(o => o !== e && e.contains(o))).slice(0, 8)
    .map(e => name(e) + ' [' + Math.round(e.getBoundingClientRect().left) + '..'
      + Math.round(e.getBoundingClientRect().right) + ']');
}"""


def too_wide(page) -> list[str]:
    """The elements that make ``page`` scroll sideways (empty when nothing does)."""
    wide = page.evaluate(
        "() => document.documentElement.scrollWidth > window.innerWidth"
        " || document.body.scrollWidth > window.innerWidth"
    )
    if not wide:
        return []
    return page.evaluate(OFFENDERS) or ["(the page is wider, no single element found)"]
