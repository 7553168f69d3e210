#!/usr/bin/env python3
"""The web portal of assure-server in a real browser (headless Debian chromium through
Selenium), with axe-core on every page, the HTTP contract checked with a plain HTTP client, and
every figure compared with what the real `assure` CLI reads from the same server.

Scripts/browser-check.sh starts the demo server and runs this with:

  ASSURE_PORTAL_URL        the portal, http://127.0.0.1:PORT or https://127.0.0.1:PORT
  ASSURE_PORTAL_CA         (https) the CA that signed the server's certificate, for the HTTP client
  ASSURE_PORTAL_RUN        a name for this run (plaintext, tls): screenshots go under it
  ASSURE_PORTAL_CODES      one-time codes, "name=CODE name=CODE ..." (optional: more are made)
  ASSURE_SERVER_BIN        assure-server, to make further codes (`user code NAME`) and list users
  ASSURE_SERVER_DATA_DIR   the server's --data-dir
  ASSURE_CLIENT_BIN        assure
  ASSURE_CLI_HOME          data folder of an `assure` device signed in as governance
  ASSURE_BROWSER_OUTPUT    where screenshots go (default .build/browser-output)

`portal_test.py --self-test` needs no server: it proves that the browser, the driver and axe-core
work offline on two local pages (one clean, one with known violations).

No pytest: each test is a plain function; the runner counts checks and ends with
"N passed, M failed"; the exit status is 1 when any check failed.
"""

import argparse
import collections
import datetime
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (  # noqa: E402
    Browser, HttpClient, Results, collapse, hidden_value, parse_html, parse_set_cookie, squeeze, stale_axe_finding,
)
from reference import (  # noqa: E402
    Cli, Reference, badge_rag, date_forms, document_blocks, markdown_headings, panel_paragraphs,
)

# --- the contract --------------------------------------------------------------------------------

SESSION_COOKIE = "assure_session"
FIELD = {"pcc", "dpcc", "apcc"}
READERS = FIELD | {"governance", "analyst"}
ROLE_ORDER = ["governance", "pcc", "dpcc", "apcc", "analyst", "panel", "admin"]

REVIEW_MONTH = "2022-10"
PANEL_FROM, PANEL_TO = "2022-09-01", "2022-10-31"
SUMMARY_FROM, SUMMARY_TO = "2022-07-01", "2022-09-30"

# Each private section: who may read it, and the page of it that is visited.
SECTIONS = collections.OrderedDict([
    ("/plan", (READERS, "plan", "/plan")),
    ("/review", (READERS | {"panel"}, "review", f"/review/{REVIEW_MONTH}")),
    ("/reports/panel", (READERS | {"panel"}, "panel-report", f"/reports/panel?from={PANEL_FROM}&to={PANEL_TO}")),
    ("/engagements/summary", (READERS, "engagement-summary",
                              f"/engagements/summary?from={SUMMARY_FROM}&to={SUMMARY_TO}")),
    ("/engagements", (FIELD | {"governance"}, "engagements", f"/engagements?from={SUMMARY_FROM}&to={SUMMARY_TO}")),
    ("/actions", (READERS, "actions", "/actions")),
])

SECURITY_HEADERS = {
    "Referrer-Policy": lambda v: v.strip().lower() == "no-referrer",
    "X-Content-Type-Options": lambda v: v.strip().lower() == "nosniff",
    "Content-Security-Policy": lambda v: "default-src 'none'" in v and "frame-ancestors 'none'" in v,
}


def section_of(path):
    """The private section a path belongs to (the longest prefix), or None."""
    best = None
    for section in SECTIONS:
        if path == section or path.startswith(section + "/"):
            if best is None or len(section) > len(best):
                best = section
    return best


def number_in(text):
    match = re.search(r"-?\d[\d,]*", text or "")
    return int(match.group(0).replace(",", "")) if match else None


def words(text):
    """A status or kind as a code: 'On track' and 'on-track' are both 'on-track'."""
    return re.sub(r"[\s_]+", "-", collapse(text).lower())


def href_path(base, href):
    parts = urllib.parse.urlsplit(urllib.parse.urljoin(base + "/", href))
    return parts.path + (("?" + parts.query) if parts.query else "")


def same_target(actual, expected):
    """Two path?query strings naming the same page (query order aside)."""
    a, e = urllib.parse.urlsplit(actual or ""), urllib.parse.urlsplit(expected)
    return a.path == e.path and sorted(urllib.parse.parse_qsl(a.query)) == sorted(urllib.parse.parse_qsl(e.query))


# --- the run's setting ---------------------------------------------------------------------------


class Setting:
    def __init__(self):
        environment = os.environ
        missing = [name for name in ("ASSURE_PORTAL_URL", "ASSURE_SERVER_BIN", "ASSURE_SERVER_DATA_DIR",
                                     "ASSURE_CLIENT_BIN", "ASSURE_CLI_HOME") if not environment.get(name)]
        if missing:
            raise SystemExit(f"portal_test.py: {', '.join(missing)} not set; Scripts/browser-check.sh sets them "
                             "(or run --self-test, which needs no server)")
        self.base = environment["ASSURE_PORTAL_URL"].rstrip("/")
        self.tls = self.base.startswith("https:")
        self.ca = environment.get("ASSURE_PORTAL_CA") or None
        self.run = environment.get("ASSURE_PORTAL_RUN", "plaintext")
        self.output = os.path.join(environment.get("ASSURE_BROWSER_OUTPUT", ".build/browser-output"), self.run)
        self.server_bin = environment["ASSURE_SERVER_BIN"]
        self.data_dir = environment["ASSURE_SERVER_DATA_DIR"]
        self.codes = collections.defaultdict(list)
        for item in environment.get("ASSURE_PORTAL_CODES", "").split():
            name, _, code = item.partition("=")
            if code:
                self.codes[name].append(code)
        self.reference = Reference(Cli(environment["ASSURE_CLIENT_BIN"], environment["ASSURE_CLI_HOME"], self.ca))
        self.users = self._users()

    def code(self, name):
        """A one-time code for `name`: one given in the environment, else a new one."""
        if self.codes[name]:
            return self.codes[name].pop(0)
        completed = subprocess.run(
            [self.server_bin, "user", "code", name, "--data-dir", self.data_dir],
            capture_output=True, text=True, timeout=60, check=True,
        )
        return completed.stdout.strip()

    def _users(self):
        """{sign-in name: (role, display name)} from `assure-server user list`."""
        completed = subprocess.run(
            [self.server_bin, "user", "list", "--data-dir", self.data_dir],
            capture_output=True, text=True, timeout=60, check=True,
        )
        users = {}
        for line in completed.stdout.splitlines()[1:]:
            fields = line.split(None, 4)
            if len(fields) >= 4:
                users[fields[0]] = (fields[1], fields[4].strip() if len(fields) > 4 else fields[0])
        return users

    def http(self):
        return HttpClient(self.base, self.ca)

    def url(self, path):
        return self.base + path


# --- the tests -----------------------------------------------------------------------------------


class PortalTest:
    def __init__(self, setting, results):
        self.s = setting
        self.r = results
        self.browser = None
        self.clients = []  # every HttpClient, for the header check at the end
        self.sessions = {}  # role -> session cookie value while signed in
        self.governance_engagement = None

    # helpers

    def client(self, cookie=None):
        client = self.s.http()
        if cookie:
            client.cookies[SESSION_COOKIE] = cookie
        self.clients.append(client)
        return client

    def shot(self, role, name):
        path = os.path.join(self.s.output, role or "public", f"{name}.png")
        try:
            self.browser.screenshot(path)
        except Exception as error:  # noqa: BLE001 - a screenshot is evidence, not a check
            self.r.warn(name, role, f"no screenshot: {error}")

    def check_page(self, role, label, signed_in, screenshot=None):
        """What every page must have; axe-core; the browser's console. Returns the document."""
        r, browser = self.r, self.browser
        page = f"{label} ({browser.path})"
        document = browser.document()
        html_node = document.find("html")
        r.check(html_node is not None and html_node.get("lang") == "en-GB", page, role,
                lambda: f'<html lang="en-GB"> expected, got lang={html_node.get("lang") if html_node else None!r}')
        h1s = document.find_all("h1")
        r.check(len(h1s) == 1, page, role, lambda: f"one <h1> expected, found {len(h1s)}: {[h.text() for h in h1s]}")
        for landmark in ("header", "main"):
            r.check(document.find(landmark) is not None, page, role, f"no <{landmark}>")
        navs = [n for n in document.find_all("nav") if n.get("aria-label") == "Portal"]
        r.check(len(navs) == 1, page, role, lambda: f'one <nav aria-label="Portal"> expected, found {len(navs)}')
        ids = collections.Counter(node.get("id") for node in document.iter() if node.get("id"))
        duplicated = sorted(k for k, n in ids.items() if n > 1)
        r.check(not duplicated, page, role, lambda: f"ids used more than once: {duplicated}")
        scripts = document.find_all("script")
        r.check(not scripts, page, role, lambda: f"{len(scripts)} <script> element(s): the portal has no JavaScript")
        for form in document.find_all("form"):
            method = (form.get("method") or "get").lower()
            csrf = [i for i in form.find_all("input[name=csrf]") if (i.get("type") or "").lower() == "hidden"]
            if method == "post":
                r.check(len(csrf) == 1 and csrf[0].get("value"), page, role,
                        f'form action={form.get("action")!r}: no hidden input name="csrf" with a value')
            elif csrf:
                r.warn(page, role, f'GET form action={form.get("action")!r} carries the csrf token into its URL')
        badge = document.find("span#signed-in-as")
        sign_out = [f for f in document.find_all("form") if f.get("action") == "/sign-out"]
        if signed_in:
            expected_role, display = self.s.users.get(role, (role, role))
            names = {role, display}
            text = badge.text() if badge is not None else None
            match = re.fullmatch(r"(.+) \(([^()]+)\)", text or "")
            r.check(match is not None and match.group(2) == expected_role and match.group(1) in names, page, role,
                    lambda: f'<span id="signed-in-as"> should read "NAME ({expected_role})" with NAME one of '
                            f'{sorted(names)}; got {text!r}')
            ok = (len(sign_out) == 1 and (sign_out[0].get("method") or "").lower() == "post"
                  and any(b.text() == "Sign out" for b in sign_out[0].find_all("button")))
            r.check(ok, page, role, 'no <form method="post" action="/sign-out"> with a "Sign out" button')
            r.check(badge is not None and document.find("header span#signed-in-as") is not None, page, role,
                    "the signed-in badge is not in the <header>")
            cookies = browser.driver.execute_script("return document.cookie")
            r.check(SESSION_COOKIE not in cookies, page, role, "document.cookie shows the session: it is not HttpOnly")
        else:
            r.check(badge is None and not sign_out, page, role, "signed-out page shows a signed-in badge or Sign out")
        self.axe(role, page)
        for level, message in browser.console():
            if "Content Security Policy" in message or "Content-Security-Policy" in message:
                r.fail(page, role, f"the browser refused something under the page's own CSP: {message[:300]}")
            elif level == "SEVERE" and "favicon.ico" not in message and "status of 40" not in message:
                r.warn(page, role, f"console {level}: {message[:200]}")
        if screenshot:
            self.shot(role, screenshot)
        return document

    def axe(self, role, page):
        results = self.browser.axe()
        if "error" in results:
            self.r.fail(page, role, f"axe-core did not run: {results['error']}")
            return
        serious = []
        for violation in results.get("violations", []):
            stale = stale_axe_finding(violation)
            if stale:
                self.r.warn(page, role, f"axe {violation['id']} ignored: {stale}")
                continue
            targets = [" ".join(map(str, n.get("target", []))) for n in violation.get("nodes", [])][:3]
            text = f"axe {violation.get('impact')} {violation['id']}: {violation.get('help')} at {targets}"
            if violation.get("impact") in ("serious", "critical"):
                serious.append(text)
            else:
                self.r.warn(page, role, text)
        self.r.check(not serious, page, role, lambda: "; ".join(serious))

    def forbidden(self, role, client, path, label):
        response = client.get(path)
        self.r.check(response.status == 403, label, role,
                     lambda: f"GET {path} as {role}: 403 expected, got {response.status} {response.location_path or ''}")
        if response.status == 403:
            h1 = [h.text() for h in parse_html(response.text).find_all("h1")]
            self.r.check(h1 == ["Not allowed"], label, role, lambda: f'403 page: <h1> "Not allowed" expected, got {h1}')

    # 1. sign-in over plain HTTP: statuses, cookies, csrf

    def test_sign_in_http(self):
        r = self.r
        client = self.client()
        page = self.client().get("/sign-in")
        r.check(page.status == 200, "/sign-in", None, f"GET /sign-in: {page.status}")
        document = parse_html(page.text)
        forms = [f for f in document.find_all("form") if f.get("action") == "/sign-in"]
        r.check(len(forms) == 1 and (forms[0].get("method") or "").lower() == "post", "/sign-in", None,
                'no <form method="post" action="/sign-in">')
        field = document.find("input#code")
        r.check(field is not None and field.get("name") == "code", "/sign-in", None, '<input id="code" name="code"> missing')
        labels = [label.text() for label in document.find_all("label") if label.get("for") == "code"]
        r.check(any(t.startswith("One-time code") for t in labels), "/sign-in", None,
                lambda: f'<label for="code"> "One-time code" expected, got {labels}')
        buttons = [b for b in document.find_all("button") if (b.get("type") or "submit") == "submit"]
        r.check(any(b.text() == "Sign in" for b in buttons), "/sign-in", None, '<button type="submit">Sign in</button> missing')

        # What the page loads (style sheets; there are no scripts) is served with the same headers.
        for link in document.find_all("link"):
            if "stylesheet" in (link.get("rel") or "").lower() and link.get("href"):
                path = href_path(self.s.base, link.get("href"))
                sheet = self.client().get(path)
                r.check(sheet.status == 200 and (sheet.header("Content-Type") or "").startswith("text/css"), path, None,
                        f"style sheet: {sheet.status} {sheet.header('Content-Type')!r}, 200 text/css expected")

        # A wrong code: 401, the form again, and the error said as an alert.
        client.get("/sign-in")
        csrf = hidden_value(parse_html(client.log[-1][2].text), "csrf")
        r.check(bool(csrf), "/sign-in", None, 'no hidden input name="csrf"')
        wrong = client.post("/sign-in", {"code": "AAAA-BBBB-CCCC-DDDD", "csrf": csrf or ""})
        r.check(wrong.status == 401, "POST /sign-in (wrong code)", None, f"401 expected, got {wrong.status}")
        wrong_document = parse_html(wrong.text)
        error = wrong_document.find("p#error")
        r.check(error is not None and error.get("role") == "alert" and error.text(), "POST /sign-in (wrong code)", None,
                '<p id="error" role="alert"> with a message expected')
        r.check(wrong_document.find("input#code") is not None, "POST /sign-in (wrong code)", None,
                "the sign-in form is not shown again")
        r.check(SESSION_COOKIE not in client.cookies, "POST /sign-in (wrong code)", None, "a session cookie was set")

        # A good code with a wrong or missing csrf token: 403, and no session.
        code = self.s.code("governance")
        for label, form in (("wrong csrf", {"code": code, "csrf": "not-the-token"}), ("no csrf", {"code": code})):
            fresh = self.client()
            fresh.get("/sign-in")
            answer = fresh.post("/sign-in", form)
            r.check(answer.status == 403, f"POST /sign-in ({label})", None, f"403 expected, got {answer.status}")
            r.check(SESSION_COOKIE not in fresh.cookies, f"POST /sign-in ({label})", None, "a session cookie was set")
        # The same form with another visitor's token (from another GET) is refused too.
        other, victim = self.client(), self.client()
        other.get("/sign-in")
        victim.get("/sign-in")
        stolen = hidden_value(parse_html(other.log[-1][2].text), "csrf")
        answer = victim.post("/sign-in", {"code": code, "csrf": stolen or ""})
        if answer.status == 403:
            r.check(True, "POST /sign-in (another visitor's csrf)", None, "")
        else:
            r.warn("POST /sign-in (another visitor's csrf)", None,
                   f"accepted ({answer.status}): the csrf token is not bound to the visitor (fine only if the form "
                   "needs no pre-session; a code is a secret already)")
            if SESSION_COOKIE in victim.cookies:
                code = self.s.code("governance")

        # The right code: 303 to /, and a session cookie HttpOnly, SameSite=Strict (and Secure on TLS).
        good = self.client()
        good.get("/sign-in")
        token = hidden_value(parse_html(good.log[-1][2].text), "csrf")
        answer = good.post("/sign-in", {"code": code, "csrf": token or ""})
        r.check(answer.status == 303 and answer.location_path == "/", "POST /sign-in", "governance",
                f"303 to / expected, got {answer.status} to {answer.header('Location')}")
        cookies = [parse_set_cookie(c) for c in answer.all("Set-Cookie")]
        session = [c for c in cookies if c[0] == SESSION_COOKIE]
        r.check(len(session) == 1 and session[0][1], "POST /sign-in", "governance",
                lambda: f"one Set-Cookie {SESSION_COOKIE} expected, got {answer.all('Set-Cookie')}")
        if session:
            attributes = session[0][2]
            r.check(attributes.get("httponly") is True, "POST /sign-in", "governance", "session cookie not HttpOnly")
            r.check(str(attributes.get("samesite", "")).lower() == "strict", "POST /sign-in", "governance",
                    f"session cookie SameSite={attributes.get('samesite')!r}, Strict expected")
            r.check((attributes.get("secure") is True) == self.s.tls, "POST /sign-in", "governance",
                    f"session cookie Secure={attributes.get('secure') is True} on {'TLS' if self.s.tls else 'plaintext'}")
            home = good.get("/")
            r.check(home.status == 200, "/", "governance", f"GET / with the new session: {home.status}")
            # A used code does not work twice.
            again = self.client()
            again.get("/sign-in")
            replay = again.post("/sign-in", {"code": code, "csrf": hidden_value(parse_html(again.log[-1][2].text), "csrf") or ""})
            r.check(replay.status == 401, "POST /sign-in (code used already)", None, f"401 expected, got {replay.status}")

        # No session: every private page sends the visitor to sign in, saying where they were going.
        anonymous = self.client()
        paths = ["/"] + [page for _, _, page in SECTIONS.values()] + [
            "/review", "/plan/elements/1.1", f"/reports/panel/download?from={PANEL_FROM}&to={PANEL_TO}"]
        answer = anonymous.get("/")
        home = urllib.parse.urlsplit(answer.header("Location") or "").path
        r.check(answer.status in (302, 303) and home in ("/sign-in", "/public"), "/", None,
                f"unsigned GET /: a redirect to /sign-in (or /public) expected, got {answer.status} to {home!r}")
        if home != "/sign-in":
            print(f"   unsigned GET / answers {answer.status} to {answer.header('Location')}")
        paths.remove("/")
        for path in paths:
            answer = anonymous.get(path)
            location = answer.header("Location") or ""
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
            ok = answer.status == 303 and urllib.parse.urlsplit(location).path == "/sign-in"
            ok = ok and query.get("next") == [path]
            r.check(ok, path, None, f"unsigned GET: 303 to /sign-in?next={path} expected, got {answer.status} to {location!r}")
        sign_out = anonymous.post("/sign-out", {"csrf": "x"})
        r.check(sign_out.status in (303, 403), "POST /sign-out", None, f"unsigned sign-out answered {sign_out.status}")

    # 2. the sign-in page with a keyboard

    def test_keyboard(self):
        from selenium.webdriver.common.action_chains import ActionChains  # noqa: PLC0415
        from selenium.webdriver.common.keys import Keys  # noqa: PLC0415

        r, browser = self.r, self.browser
        browser.clear_cookies()
        browser.open(self.s.url("/sign-in"))
        self.check_page(None, "sign-in", signed_in=False, screenshot="sign-in")
        reached = []
        for _ in range(20):
            ActionChains(browser.driver).send_keys(Keys.TAB).perform()
            focused = browser.driver.execute_script(
                "var e = document.activeElement; return e ? [e.tagName.toLowerCase(), e.id || '',"
                " e.getAttribute('type') || '', (e.textContent || '').trim()] : null")
            if not focused:
                continue
            reached.append(tuple(focused))
            if focused[0] == "button" and focused[3] == "Sign in":
                break
        code_at = next((i for i, f in enumerate(reached) if f[0] == "input" and f[1] == "code"), None)
        button_at = next((i for i, f in enumerate(reached) if f[0] == "button" and f[3] == "Sign in"), None)
        r.check(code_at is not None, "/sign-in", None, lambda: f"Tab never reaches the code field; it reached {reached}")
        r.check(button_at is not None and (code_at is None or button_at > code_at), "/sign-in", None,
                lambda: f"Tab does not reach the Sign in button after the code field; it reached {reached}")
        # Typing a code and pressing Enter submits (a wrong code here: the error is announced).
        from selenium.webdriver.common.by import By  # noqa: PLC0415

        field = browser.driver.find_element(By.ID, "code")
        browser.click_and_wait(field, keys=("ZZZZ-ZZZZ-ZZZZ-ZZZZ", Keys.ENTER))
        document = self.check_page(None, "sign-in (wrong code)", signed_in=False, screenshot="sign-in-error")
        error = document.find("p#error")
        r.check(error is not None and error.get("role") == "alert", "/sign-in (wrong code)", None,
                "no <p id=\"error\" role=\"alert\"> after a wrong code")
        # A private page sends the browser to sign in.
        browser.open(self.s.url("/plan"))
        r.check(same_target(browser.path, "/sign-in?next=%2Fplan"), "/plan", None,
                f"an unsigned browser on /plan should land on /sign-in?next=/plan, it is on {browser.path}")

    # 3. each role in the browser

    def sign_in(self, role):
        from selenium.webdriver.common.by import By  # noqa: PLC0415

        browser = self.browser
        browser.clear_cookies()
        browser.open(self.s.url("/sign-in"))
        browser.driver.find_element(By.ID, "code").send_keys(self.s.code(role))
        browser.click_and_wait(browser.driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type='submit']"))
        landed = browser.path
        if landed != "/":
            document = browser.document()
            said = [n.text() for n in document.find_all("h1") + document.find_all("p#error")]
            self.r.fail("/sign-in", role, f"after signing in the browser is on {landed}, not /; the page says {said}")
            return None
        self.r.check(True, "/sign-in", role, "")
        cookie = browser.cookie(SESSION_COOKIE)
        if not self.r.check(cookie is not None, "/sign-in", role, f"no {SESSION_COOKIE} cookie in the browser"):
            return None
        self.r.check(cookie.get("httpOnly") is True and cookie.get("sameSite") == "Strict"
                     and bool(cookie.get("secure")) == self.s.tls, "/sign-in", role,
                     lambda: f"browser cookie: httpOnly={cookie.get('httpOnly')} sameSite={cookie.get('sameSite')} "
                             f"secure={cookie.get('secure')}")
        return cookie["value"]

    def test_role(self, role):
        r, browser = self.r, self.browser
        session = self.sign_in(role)
        if session is None:
            return
        self.sessions[role] = session
        client = self.client(session)

        # Home: the nav links to exactly the sections the role may read.
        home = self.check_page(role, "home", signed_in=True, screenshot="home")
        nav = next((n for n in home.find_all("nav") if n.get("aria-label") == "Portal"), None)
        linked = {}
        for link in (nav.find_all("a") if nav else []):
            path = href_path(self.s.base, link.get("href") or "")
            section = section_of(urllib.parse.urlsplit(path).path)
            if section:
                linked.setdefault(section, path)
        for section, (readers, _, _) in SECTIONS.items():
            allowed = role in readers
            r.check((section in linked) == allowed, "home nav", role,
                    f"{section}: {'no link' if allowed else 'a link'} in the nav ({'may' if allowed else 'may not'} read it)")
        for section, path in linked.items():
            answer = client.get(path)
            r.check(answer.status in (200, 302, 303, 307), "home nav", role, f"nav link {path} answers {answer.status}")
            if answer.status in (302, 303, 307):
                followed = client.get(answer.location_path)
                r.check(followed.status == 200, "home nav", role,
                        f"nav link {path} -> {answer.location_path} answers {followed.status}")

        for section, (readers, name, path) in SECTIONS.items():
            if role not in readers:
                self.forbidden(role, client, path, section)
                continue
            answer = client.get(path)
            if not r.check(answer.status == 200, path, role, f"GET {path}: 200 expected, got {answer.status}"):
                continue
            browser.open(self.s.url(path))
            document = self.check_page(role, name, signed_in=True, screenshot=name)
            getattr(self, "page_" + name.replace("-", "_"))(role, document, client)

        if role == "analyst" or role == "panel":
            # The page a role may not read, in the browser too (axe on the refusal page).
            denied = "/engagements" + f"?from={SUMMARY_FROM}&to={SUMMARY_TO}"
            browser.open(self.s.url(denied))
            document = self.check_page(role, "not allowed", signed_in=True, screenshot="not-allowed")
            r.check([h.text() for h in document.find_all("h1")] == ["Not allowed"], denied, role,
                    'the browser does not show "Not allowed"')
        if role == "admin":
            for section, (_, _, path) in SECTIONS.items():
                self.forbidden(role, client, path, section)

    # the pages

    def page_plan(self, role, document, client):
        r, ref = self.r, self.s.reference
        page = "/plan"
        elements = ref.elements()
        today_rag = ref.rag_today()
        # One table of elements per objective (class "elements"), every element in one of them.
        tables = document.find_all("table.elements")
        if not r.check(len(tables) == len(ref.plan()), page, role,
                       f'one <table class="elements"> per objective expected ({len(ref.plan())}), found {len(tables)}'):
            if not tables:
                return
        rows = document.find_all("tr[data-element]")
        inside = {id(row) for table in tables for row in table.find_all("tr[data-element]")}
        outside = [row.get("data-element") for row in rows if id(row) not in inside]
        r.check(not outside, page, role, lambda: f'{len(outside)} of {len(rows)} element rows are not in a '
                f'<table class="elements">: {outside[:6]}...')
        ids = [row.get("data-element") for row in rows]
        expected = [e["id"] for e in elements]
        r.check(sorted(ids) == sorted(expected), page, role,
                lambda: f"elements {ids} differ from the CLI's plan list {expected}")
        if sorted(ids) == sorted(expected) and ids != expected:
            r.warn(page, role, f"elements not in plan order: {ids}")
        by_id = {e["id"]: e for e in elements}
        # Each column's mismatches are one failure, naming the rows.
        wrong = collections.defaultdict(list)
        for row in rows:
            element = by_id.get(row.get("data-element"))
            if element is None:
                continue
            cells = {c: row.find(f"td.{c}") for c in ("status", "rag", "lead", "due")}
            for column, node in cells.items():
                if node is None:
                    wrong[f"td.{column} missing"].append(element["id"])
            if cells["status"] is not None and words(cells["status"].text()) != element["status"]:
                wrong["status differs from the CLI's"].append(f"{element['id']}: {cells['status'].text()!r} not {element['status']!r}")
            if cells["rag"] is not None and badge_rag(cells["rag"]) != today_rag.get(element["id"]):
                wrong["RAG word differs from the CLI's rating today"].append(
                    f"{element['id']}: {cells['rag'].text()!r} not {today_rag.get(element['id'])!r}")
            if cells["lead"] is not None and element["opccLead"] not in cells["lead"].text():
                wrong["lead lacks the OPCC lead"].append(f"{element['id']}: {cells['lead'].text()!r}")
            if cells["due"] is not None and element.get("dueDate"):
                if not any(f in cells["due"].text() for f in date_forms(element["dueDate"])):
                    wrong["due date differs"].append(f"{element['id']}: {cells['due'].text()!r} not {element['dueDate']}")
            links = [href_path(self.s.base, a.get("href", "")) for a in row.find_all("a")]
            if f"/plan/elements/{element['id']}" not in links:
                wrong["no link to /plan/elements/ID"].append(element["id"])
        for what in ("td.status missing", "td.rag missing", "td.lead missing", "td.due missing",
                     "status differs from the CLI's", "RAG word differs from the CLI's rating today",
                     "lead lacks the OPCC lead", "due date differs", "no link to /plan/elements/ID"):
            items = wrong.get(what, [])
            r.check(not items, page, role, lambda: f"{what} in {len(items)} of {len(rows)} rows: " + "; ".join(map(str, items[:5]))
                    + (" ..." if len(items) > 5 else ""))

        # RAG counts this month (today) and last month (its last day), from the CLI's data.
        counts = document.find("table#rag-counts")
        if r.check(counts is not None, page, role, 'no <table id="rag-counts">'):
            today = datetime.date.today()
            end_of_last_month = today.replace(day=1) - datetime.timedelta(days=1)
            keys = {"red": "Red", "amber": "Amber", "green": "Green", "none": "Not rated"}
            this_month = collections.Counter(today_rag.values())
            last_month = collections.Counter(ref.rag_on(end_of_last_month).values())
            for key, word in keys.items():
                row = counts.find(f"tr[data-rag={key}]")
                if not r.check(row is not None, page, role, f'no <tr data-rag="{key}"> in rag-counts'):
                    continue
                for cell, expected_count in (("this-month", this_month[word]), ("last-month", last_month[word])):
                    node = row.find(f"td.{cell}")
                    value = number_in(node.text()) if node else None
                    r.check(value == expected_count, page, role,
                            f"rag-counts {key} {cell}: {value}, from the CLI's figures {expected_count}")

        # Element pages: every element as governance, the first one for the others.
        chosen = elements if role == "governance" else elements[:1]
        milestones = ref.milestones()
        for index, element in enumerate(chosen):
            path = f"/plan/elements/{element['id']}"
            if index == 0:
                # Reached by its link, as a person would.
                from selenium.webdriver.common.by import By  # noqa: PLC0415

                self.browser.open(self.s.url("/plan"))
                self.browser.click_and_wait(self.browser.driver.find_element(
                    By.CSS_SELECTOR, f"table.elements tr[data-element='{element['id']}'] a[href$='{path}']"))
                r.check(self.browser.path == path, path, role, f"the element's link led to {self.browser.path}")
                document = self.check_page(role, f"element {element['id']}", signed_in=True, screenshot="plan-element")
            elif index < 4:
                self.browser.open(self.s.url(path))
                document = self.check_page(role, f"element {element['id']}", signed_in=True)
            else:
                answer = client.get(path)
                if not r.check(answer.status == 200, path, role, f"GET {path}: {answer.status}"):
                    continue
                document = parse_html(answer.text)
            sections = {name: document.find(f"#{name}") for name in ("history", "milestones", "updates")}
            for name, node in sections.items():
                r.check(node is not None, path, role, f'no id="{name}"')
            if sections["history"] is not None:
                text = sections["history"].text()
                for entry in ref.history(element["id"]):
                    r.check(any(f in text for f in date_forms(entry["effectiveOn"])), path, role,
                            f"history lacks the change of {entry['effectiveOn']} ({entry['status']})")
            if sections["milestones"] is not None:
                text = squeeze(sections["milestones"].text())
                for milestone in (m for m in milestones if m["elementID"] == element["id"]):
                    r.check(squeeze(milestone["title"]) in text, path, role, f"milestones lack {milestone['title']!r}")
            if sections["updates"] is not None:
                text = squeeze(sections["updates"].text())
                for update in ref.updates(element["id"]):
                    r.check(squeeze(update["narrative"][:120]) in text, path, role,
                            f"updates lack the update of {update['date']}: {update['narrative'][:60]!r}...")

    def compare_document(self, role, page, document, reference_html):
        """Every heading, list item, paragraph and table cell of the CLI's document is on the page."""
        text = squeeze(document.text())
        blocks = document_blocks(reference_html)
        missing = [(tag, t) for tag, t in blocks if squeeze(t) not in text]
        if role == "governance":
            print(f"   {page}: {len(blocks) - len(missing)} of {len(blocks)} text blocks of the CLI's document on the page")
        self.r.check(blocks and not missing, page, role,
                     lambda: f"{len(missing)} of {len(blocks)} blocks of the CLI's document are not on the page, e.g. "
                             + "; ".join(f"<{tag}> {t[:90]!r}" for tag, t in missing[:4]))
        return text

    def page_review(self, role, document, client):
        r, ref = self.r, self.s.reference
        page = f"/review/{REVIEW_MONTH}"
        text = self.compare_document(role, page, document, ref.review_html(REVIEW_MONTH))
        headings = markdown_headings(ref.review_markdown(REVIEW_MONTH))
        at, lost = 0, []
        for heading in headings:
            found = text.find(squeeze(heading), at)
            if found < 0:
                lost.append(heading)
            else:
                at = found + 1
        r.check(headings and not lost, page, role,
                lambda: f"{len(lost)} of the review's {len(headings)} headings (from the CLI's Markdown) are missing "
                        f"or out of order, from {lost[0]!r}" if lost else "the CLI's Markdown has no headings")
        if role in ("governance", "panel"):
            # /review is this month's review.
            today = datetime.date.today()
            answer = client.get("/review")
            month = answer.location_path or ""
            r.check(answer.status in (302, 303, 307) and month == f"/review/{today:%Y-%m}", "/review", role,
                    f"/review: a redirect to /review/{today:%Y-%m} expected, got {answer.status} to {month!r}")
            if role == "governance":
                current = f"{today:%Y-%m}"
                answer = client.get(f"/review/{current}")
                if r.check(answer.status == 200, f"/review/{current}", role, f"{answer.status}"):
                    self.compare_document(role, f"/review/{current}", parse_html(answer.text), ref.review_html(current))
                answer = client.get("/review/2022-9")
                r.check(answer.status in (400, 404), "/review/2022-9", role, f"a malformed month answered {answer.status}")
                previous = "2022-09"
                answer = client.get(f"/review/{previous}")
                if r.check(answer.status == 200, f"/review/{previous}", role, f"{answer.status}"):
                    self.compare_document(role, f"/review/{previous}", parse_html(answer.text), ref.review_html(previous))

    def page_panel_report(self, role, document, client):
        r, ref = self.r, self.s.reference
        page = "/reports/panel"
        reference = ref.panel_html(PANEL_FROM, PANEL_TO)
        text = squeeze(document.text())
        paragraphs = panel_paragraphs(reference)
        r.check(len(paragraphs) > 20, page, role, f"the CLI's report has only {len(paragraphs)} numbered paragraphs")
        positions, missing, unnumbered = [], [], []
        for number, body in paragraphs:
            at = text.find(squeeze(body))
            if at < 0:
                missing.append((number, body))
                continue
            positions.append(at)
            if squeeze(f"{number}.{body}") not in text:
                unnumbered.append(number)
        if role == "governance":
            print(f"   {page}: {len(paragraphs) - len(missing)} of the CLI's {len(paragraphs)} numbered paragraphs on the page")
        r.check(not missing, page, role, lambda: f"{len(missing)} of {len(paragraphs)} numbered paragraphs differ, e.g. "
                + "; ".join(f"{n}. {b[:80]!r}" for n, b in missing[:3]))
        r.check(positions == sorted(positions), page, role, "the numbered paragraphs are out of order")
        if unnumbered:
            r.warn(page, role, f"paragraph text not preceded by its number in the page text: {unnumbered[:10]}")
        if role == "governance":
            self.compare_document(role, page, document, reference)
        link = document.find("a#download")
        expected = f"/reports/panel/download?from={PANEL_FROM}&to={PANEL_TO}"
        href = href_path(self.s.base, link.get("href", "")) if link is not None else None
        r.check(href is not None and same_target(href, expected), page, role, f'<a id="download"> should go to {expected}, goes to {href}')
        answer = client.get(href or expected)
        r.check(answer.status == 200, expected, role, f"download: {answer.status}")
        r.check((answer.header("Content-Type") or "").lower().startswith("text/html"), expected, role,
                f"download Content-Type {answer.header('Content-Type')!r}, text/html expected")
        r.check((answer.header("Content-Disposition") or "").lower().startswith("attachment"), expected, role,
                f"download Content-Disposition {answer.header('Content-Disposition')!r}, attachment expected")
        if answer.status == 200:
            downloaded = squeeze(parse_html(answer.text).text())
            lost = [n for n, b in paragraphs if squeeze(b) not in downloaded]
            r.check(not lost, expected, role, lambda: f"the downloaded report lacks paragraphs {lost[:10]}")

    def page_engagement_summary(self, role, document, client):
        r, ref = self.r, self.s.reference
        page = "/engagements/summary"
        summary = ref.summary(SUMMARY_FROM, SUMMARY_TO)
        for table_id, key in (("by-month", "byMonth"), ("by-area", "byArea"), ("by-officeholder", "byWho"),
                              ("by-kind", "byKind")):
            table = document.find(f"table#{table_id}")
            if not r.check(table is not None, page, role, f'no <table id="{table_id}">'):
                continue
            shown = {}
            for row in table.find_all("tr[data-key]"):
                cell = row.find("td.count")
                shown[row.get("data-key")] = number_in(cell.text()) if cell else None
            expected = {k: v for k, v in summary[key].items() if v}
            shown_nonzero = {k: v for k, v in shown.items() if v}
            r.check(shown_nonzero == expected, page, role, f"{table_id}: {shown} differs from the CLI's {summary[key]}")
        total = document.find("#total")
        value = number_in(total.text()) if total is not None else None
        r.check(value == summary["total"], page, role, f'#total {value}, the CLI says {summary["total"]}')
        r.check(summary["total"] == 50, page, role, f"the CLI counts {summary['total']} engagements July-September 2022, not 50")
        charts = [svg for svg in document.find_all("svg") if svg.get("role") == "img"]
        r.check(charts, page, role, '<svg role="img"> chart missing')
        for svg in charts:
            named = svg.get("aria-label") or svg.get("aria-labelledby") or svg.find("title") is not None
            r.check(named, page, role, "a chart has no accessible name (aria-label, aria-labelledby or <title>)")

    def page_engagements(self, role, document, client):
        r, ref = self.r, self.s.reference
        page = "/engagements"
        expected = ref.engagements(SUMMARY_FROM, SUMMARY_TO)
        table = document.find("table#engagements")
        if not r.check(table is not None, page, role, 'no <table id="engagements">'):
            return
        rows = table.find_all("tr[data-engagement]")
        ids = [row.get("data-engagement", "").lower() for row in rows]
        r.check(sorted(ids) == sorted(e["id"].lower() for e in expected), page, role,
                lambda: f"{len(ids)} rows; the CLI lists {len(expected)} engagements in the period "
                        f"(missing {len({e['id'].lower() for e in expected} - set(ids))}, extra {len(set(ids) - {e['id'].lower() for e in expected})})")
        for row in rows:
            target = f"/engagements/{row.get('data-engagement')}"
            links = [href_path(self.s.base, a.get("href", "")).lower() for a in row.find_all("a")]
            r.check(target.lower() in links, page, role, f"row {row.get('data-engagement')}: no link to {target}")
        if role != "governance":
            return
        # The filters, against the CLI's own filters.
        for parameter, option, value in (("area", "area", "shropshire"), ("officeholder", "by", "apcc"),
                                         ("kind", "kind", "school")):
            path = f"/engagements?from={SUMMARY_FROM}&to={SUMMARY_TO}&{parameter}={value}"
            answer = client.get(path)
            if not r.check(answer.status == 200, path, role, f"{answer.status}"):
                continue
            found = sorted(row.get("data-engagement", "").lower()
                           for row in parse_html(answer.text).find_all("table#engagements tr[data-engagement]"))
            cli = sorted(e["id"].lower() for e in ref.engagements(SUMMARY_FROM, SUMMARY_TO, **{option: value}))
            r.check(found == cli and cli, path, role, f"{len(found)} rows, the CLI's list --{option} {value} has {len(cli)}")
        # Engagement pages: the notes are there; the first reached by its link.
        from selenium.webdriver.common.by import By  # noqa: PLC0415

        for index, engagement in enumerate(expected[:3]):
            path = f"/engagements/{engagement['id']}"
            if index == 0:
                self.browser.open(self.s.url(f"/engagements?from={SUMMARY_FROM}&to={SUMMARY_TO}"))
                self.browser.click_and_wait(self.browser.driver.find_element(
                    By.CSS_SELECTOR, f"tr[data-engagement] a[href$='{engagement['id']}'], "
                                     f"tr[data-engagement] a[href$='{engagement['id'].upper()}']"))
                r.check(self.browser.path.lower() == path.lower(), path, role, f"the row's link led to {self.browser.path}")
                found = self.check_page(role, "engagement", signed_in=True, screenshot="engagement")
            else:
                answer = client.get(path)
                if not r.check(answer.status == 200, path, role, f"{answer.status}"):
                    continue
                found = parse_html(answer.text)
            notes = found.find("#notes")
            r.check(notes is not None and squeeze(engagement["notes"]) in squeeze(notes.text()), path, role,
                    lambda: f'#notes should hold {engagement["notes"]!r}, holds {notes.text() if notes else None!r}')
            r.check(squeeze(engagement["organisation"]) in squeeze(found.text()), path, role,
                    f"the page does not name the organisation {engagement['organisation']!r}")
        self.governance_engagement = expected[0]["id"] if expected else None
        answer = client.get("/engagements/00000000-0000-4000-8000-000000000000")
        r.check(answer.status == 404, "/engagements/UNKNOWN", role, f"an unknown engagement answered {answer.status}")

    def page_actions(self, role, document, client):
        r, ref = self.r, self.s.reference
        page = "/actions"
        table = document.find("table#actions")
        if not r.check(table is not None, page, role, 'no <table id="actions">'):
            return
        rows = [row for row in table.find_all("tr") if row.find("td.due-state") is not None]
        open_actions = ref.open_actions()
        r.check(len(rows) >= len(open_actions), page, role,
                f"{len(rows)} rows with td.due-state; the CLI lists {len(open_actions)} open actions")
        for item in open_actions:
            action = item["action"]
            probe = squeeze(action["text"][:50])
            row = next((row for row in rows if probe in squeeze(row.text())), None)
            if not r.check(row is not None, page, role, f"no row for action {action['id']}: {action['text'][:60]!r}"):
                continue
            state = words(row.find("td.due-state").text())
            r.check(item["dueState"] in state, page, role,
                    f"action {action['id']}: due state {state!r}, the CLI says {item['dueState']!r}")

    # 4. engagement pages refused to the analyst and the panel reader

    def test_engagement_pages_refused(self):
        target = self.governance_engagement or self.s.reference.engagements(SUMMARY_FROM, SUMMARY_TO)[0]["id"]
        for role in ("analyst", "panel"):
            session = self.sessions.get(role)
            if session is None:
                print(f"   {role} not signed in in this run: skipped")
                continue
            client = self.client(session)
            self.forbidden(role, client, f"/engagements/{target}", "/engagements/ID")
            self.forbidden(role, client, f"/engagements?from={SUMMARY_FROM}&to={SUMMARY_TO}&area=shropshire", "/engagements")
        admin = self.sessions.get("admin")
        if admin:
            self.forbidden("admin", self.client(admin), f"/engagements/{target}", "/engagements/ID")

    # 5. signing out ends the session

    def test_sign_out(self):
        from selenium.webdriver.common.by import By  # noqa: PLC0415

        r, browser = self.r, self.browser
        for role in ("pcc", "panel"):
            session = self.sign_in(role)
            if session is None:
                continue
            browser.click_and_wait(browser.driver.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button"))
            landed = browser.path
            r.check(urllib.parse.urlsplit(landed).path == "/sign-in", "/sign-out", role,
                    f"after signing out the browser is on {landed}, not /sign-in")
            r.check(browser.cookie(SESSION_COOKIE) is None or browser.cookie(SESSION_COOKIE).get("value") != session,
                    "/sign-out", role, "the session cookie is still in the browser after signing out")
            self.check_page(None, "signed out", signed_in=False, screenshot=f"signed-out-{role}")
            # (each answer to an old session counts as a failed sign-in against 127.0.0.1: one each)
            page = "/plan" if role == "pcc" else f"/review/{REVIEW_MONTH}"
            answer = self.client(session).get(page)
            r.check(answer.status == 303 and urllib.parse.urlsplit(answer.location_path or "").path == "/sign-in",
                    f"{page} (old session)", role, f"the old session still answers {answer.status} {answer.location_path}")
            self.sessions.pop(role, None)
        # Sign-out needs the csrf token.
        session = self.sign_in("dpcc")
        if session:
            client = self.client(session)
            answer = client.post("/sign-out", {"csrf": "not-the-token"})
            r.check(answer.status == 403, "POST /sign-out (wrong csrf)", "dpcc", f"403 expected, got {answer.status}")
            r.check(client.get("/").status == 200, "POST /sign-out (wrong csrf)", "dpcc",
                    "a sign-out with a wrong csrf token ended the session")

    # 6. the public page

    def test_public(self):
        r, ref, browser = self.r, self.s.reference, self.browser
        client = self.client()
        answer = client.get("/public")
        if not r.check(answer.status == 200, "/public", None, f"GET /public without signing in: {answer.status}"):
            return
        browser.clear_cookies()
        browser.open(self.s.url("/public"))
        document = self.check_page(None, "public", signed_in=False, screenshot="public")
        # Nothing personal: engagement notes, organisations, follow-ups and ids, meeting notes and
        # attendees, the officeholders' own names.
        offices = {o["title"] for o in ref.force()["offices"]} | {o["short"] for o in ref.force()["offices"]}
        offices |= {ref.force()["commissionerTitle"], ref.force()["commissionerShort"]}
        secrets = {}
        for engagement in ref.engagements():
            secrets[engagement["notes"]] = "engagement notes"
            secrets[engagement["organisation"]] = "engagement organisation"
            secrets[engagement["id"]] = "engagement id"
            secrets[engagement["id"][:8]] = "engagement id"
            for action in engagement.get("followUpActions", []):
                secrets[action] = "engagement follow-up"
        for meeting in ref.meetings():
            secrets[meeting["notes"]] = "meeting notes"
            for attendee in meeting.get("attendees", []):
                if attendee not in offices:
                    secrets[attendee] = "meeting attendee"
        for name, (role, display) in self.s.users.items():
            if name in FIELD:
                person = re.sub(r"\s*\([^)]*\)\s*$", "", display).strip()
                if person and person not in offices and person != name:
                    secrets[person] = f"the {role}'s name"
        raw = answer.text
        page_text = parse_html(raw).text() + " " + " ".join(
            str(v) for node in parse_html(raw).iter() for v in node.attrs.values())
        haystack = page_text.lower()
        leaked = [(kind, s) for s, kind in secrets.items() if s and len(s) >= 4 and s.lower() in haystack]
        r.check(not leaked, "/public", None, lambda: f"personal data on the public page: {leaked[:6]}")
        r.check(len(secrets) > 50, "/public", None, f"only {len(secrets)} personal strings to look for")
        links = [href_path(self.s.base, a.get("href", "")) for a in document.find_all("a")]
        r.check(not [link for link in links if link.startswith("/engagements/")], "/public", None,
                f"the public page links to engagements: {links}")
        if not leaked:
            print(f"   /public: none of {len(secrets)} personal strings of the demo data is on it")

    # 7. the headers of every response seen

    def test_security_headers(self):
        seen = 0
        for client in self.clients:
            for method, path, response in client.log:
                seen += 1
                for header, rule in SECURITY_HEADERS.items():
                    value = response.header(header)
                    self.r.check(value is not None and rule(value), f"{method} {path}", None,
                                 f"{response.status}: {header}: {value!r}")
        print(f"   security headers on {seen} responses")


def run_portal(arguments):
    results = Results()
    setting = Setting()
    test = PortalTest(setting, results)
    print(f"portal {setting.base} ({setting.run}); screenshots in {setting.output}")
    try:
        test.browser = Browser(ignore_certificate_errors=setting.tls)
        print(f"   chromium {test.browser.version}, axe-core {test.browser.axe_version()}")
        results.run("sign-in over HTTP: statuses, csrf, cookie", test.test_sign_in_http)
        results.run("sign-in with the keyboard", test.test_keyboard)
        for role in arguments.roles or ROLE_ORDER:
            results.run(f"the portal as {role}", test.test_role, role)
        results.run("engagement pages refused to analyst, panel and admin", test.test_engagement_pages_refused)
        results.run("sign-out ends the session", test.test_sign_out)
        results.run("the public page carries nothing personal", test.test_public)
        results.run("security headers on every response", test.test_security_headers)
    finally:
        if test.browser:
            test.browser.quit()
    return finish(results)


def finish(results):
    print()
    print(f"{len(results.warnings)} warning(s)")
    if results.failures:
        print("failures:")
        for line in results.failures:
            print("  " + line)
    print(f"browser: {results.passed} passed, {results.failed} failed")
    return 1 if results.failed else 0


# --- --self-test: the browser, the driver and axe-core, offline ---------------------------------

CLEAN_PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Sign in - Assure</title></head>
<body><header><p>Assure</p><nav aria-label="Portal"><a href="#main">Home</a></nav></header>
<main id="main"><h1>Sign in</h1>
<form method="post" action="/sign-in"><label for="code">One-time code</label>
<input id="code" name="code" autocomplete="one-time-code"><input type="hidden" name="csrf" value="x">
<button type="submit">Sign in</button></form></main></body></html>"""

BROKEN_PAGE = """<!doctype html>
<html><head><title>broken</title></head><body><img src="x.png"><input id="a">
<p style="color:#eee;background:#fff">faint text</p></body></html>"""


def self_test():
    results = Results()
    browser = None
    try:
        with tempfile.TemporaryDirectory() as folder:
            for name, text in (("clean.html", CLEAN_PAGE), ("broken.html", BROKEN_PAGE)):
                with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
                    handle.write(text)
            browser = Browser()
            print(f"chromium {browser.version}; chromedriver {browser.driver.capabilities.get('chrome', {}).get('chromedriverVersion', '?').split()[0]}; "
                  f"axe-core {browser.axe_version()} (from the axe-selenium-python package)")
            browser.open("file://" + os.path.join(folder, "clean.html"))
            violations = browser.axe().get("violations", [])
            bad = [v["id"] for v in violations if v.get("impact") in ("serious", "critical") and not stale_axe_finding(v)]
            results.check(not bad, "clean.html", None, f"serious or critical violations on the clean page: {bad}")
            from selenium.webdriver.common.action_chains import ActionChains  # noqa: PLC0415
            from selenium.webdriver.common.keys import Keys  # noqa: PLC0415

            reached = []
            for _ in range(6):
                ActionChains(browser.driver).send_keys(Keys.TAB).perform()
                reached.append(browser.driver.execute_script("return document.activeElement.id || document.activeElement.tagName"))
            results.check("code" in reached and "BUTTON" in reached, "clean.html", None, f"Tab reached {reached}")
            browser.screenshot(os.path.join(folder, "clean.png"))
            results.check(os.path.getsize(os.path.join(folder, "clean.png")) > 1000, "clean.html", None, "no screenshot")
            browser.open("file://" + os.path.join(folder, "broken.html"))
            found = {v["id"]: v.get("impact") for v in browser.axe().get("violations", [])}
            print("violations on the broken page: " + ", ".join(f"{k} ({v})" for k, v in sorted(found.items())))
            for rule in ("image-alt", "label", "html-has-lang", "color-contrast"):
                results.check(rule in found, "broken.html", None, f"axe-core did not report {rule}")
    finally:
        if browser:
            browser.quit()
    return finish(results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--self-test", action="store_true", help="check the browser and axe-core on local pages")
    parser.add_argument("--roles", nargs="*", help="only these roles (default: all)")
    arguments = parser.parse_args()
    return self_test() if arguments.self_test else run_portal(arguments)


if __name__ == "__main__":
    sys.exit(main())
