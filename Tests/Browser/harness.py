"""The pieces the portal's browser test is made of: a headless Chromium driven by Selenium with
axe-core, a plain HTTP client that sees statuses and headers (the browser cannot), an HTML
reader on the standard library, and the tally of checks.

Everything here runs offline: the driver is Debian's /usr/bin/chromedriver given explicitly
(so Selenium Manager never looks for one on the network), the browser is Debian's chromium, and
axe-core is the copy that the axe-selenium-python package ships.
"""

import html.parser
import http.client
import os
import re
import shutil
import ssl
import sys
import traceback
import urllib.parse

WINDOW_SIZE = (1280, 1000)
CHROME_ARGUMENTS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000"]


# --- the tally -------------------------------------------------------------------------------


class Results:
    """Counts checks; a failure names the page, the role and what differed."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []
        self.warnings = []

    def check(self, condition, page, role, what):
        """One check: passes when `condition` is true, else records `what` (a string, or a
        callable giving one, so that a costly message is built only on failure)."""
        if condition:
            self.passed += 1
            return True
        text = what() if callable(what) else what
        self.fail(page, role, text)
        return False

    def fail(self, page, role, what):
        self.failed += 1
        line = f"FAIL [{role or '-'}] {page}: {what}"
        self.failures.append(line)
        print(line, flush=True)

    def warn(self, page, role, what):
        line = f"warning [{role or '-'}] {page}: {what}"
        if line not in self.warnings:
            self.warnings.append(line)
            print(line, flush=True)

    def run(self, name, function, *arguments):
        """Runs one test function; an exception in it is one failure, and the run goes on."""
        print(f"-- {name}", flush=True)
        try:
            function(*arguments)
        except Exception as error:  # noqa: BLE001 - any error is a failed test, reported
            message = str(error).strip().splitlines()
            self.fail(name, None, f"{type(error).__name__}: {message[0] if message else ''}")
            traceback.print_exception(type(error), error, error.__traceback__, limit=-3, file=sys.stdout, chain=False)


# --- reading HTML ------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        """The text inside, whitespace collapsed."""
        parts = []

        def walk(node):
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag not in ("style", "script", "template"):
                    if child.tag in BLOCK:
                        parts.append(" ")
                    walk(child)
                    if child.tag in BLOCK:
                        parts.append(" ")

        walk(self)
        return collapse("".join(parts))

    def iter(self):
        for child in self.children:
            if not isinstance(child, str):
                yield child
                yield from child.iter()

    def find_all(self, selector):
        """Elements matching a simple selector: `tag`, `#id`, `.class`, `tag.class`,
        `tag[attr]`, `tag[attr=value]`, or several of those joined by a space (descendants)."""
        steps = selector.split()
        found = [self]
        for step in steps:
            matcher = _matcher(step)
            found = _unique(node for start in found for node in start.iter() if matcher(node))
        return found

    def find(self, selector):
        found = self.find_all(selector)
        return found[0] if found else None


BLOCK = {
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "title",
}


def _unique(nodes):
    seen, result = set(), []
    for node in nodes:
        if id(node) not in seen:
            seen.add(id(node))
            result.append(node)
    return result


def _matcher(step):
    match = re.fullmatch(r"([a-z0-9]*)(#[\w.-]+)?((?:\.[\w-]+)*)(\[([\w-]+)(?:=\"?([^\]\"]*)\"?)?\])?", step)
    if not match:
        raise ValueError(f"unsupported selector step {step!r}")
    tag, ident, classes, _, attribute, value = match.groups()
    classes = [c for c in (classes or "").split(".") if c]

    def matches(node):
        if tag and node.tag != tag:
            return False
        if ident and node.get("id") != ident[1:]:
            return False
        if any(c not in node.classes for c in classes):
            return False
        if attribute:
            if attribute not in node.attrs:
                return False
            if value is not None and node.attrs.get(attribute) != value:
                return False
        return True

    return matches


class _TreeBuilder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, [(k, v if v is not None else "") for k, v in attrs], self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, [(k, v if v is not None else "") for k, v in attrs], self.current)
        self.current.children.append(node)

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(text):
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def collapse(text):
    return re.sub(r"\s+", " ", text).strip()


def squeeze(text):
    """Text with no whitespace at all: compares text laid out differently (a table cell, a
    line break) by its characters alone."""
    return re.sub(r"\s+", "", text)


# --- plain HTTP -------------------------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def all(self, name):
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def location_path(self):
        """The redirect target as path?query, whether the server wrote it absolute or not."""
        location = self.header("Location")
        if location is None:
            return None
        parts = urllib.parse.urlsplit(location)
        return parts.path + (("?" + parts.query) if parts.query else "")


class HttpClient:
    """One visitor: keeps its cookies, follows no redirects, sees every status and header."""

    def __init__(self, base_url, ca_file=None):
        self.base = urllib.parse.urlsplit(base_url)
        self.cookies = {}
        self.ca_file = ca_file
        self.log = []  # (method, path, Response), for the header checks

    def _connection(self):
        host, port = self.base.hostname, self.base.port
        if self.base.scheme == "https":
            if self.ca_file:
                context = ssl.create_default_context(cafile=self.ca_file)
            else:
                context = ssl._create_unverified_context()  # noqa: S323 - loopback test server
            return http.client.HTTPSConnection(host, port, context=context, timeout=60)
        return http.client.HTTPConnection(host, port, timeout=60)

    def request(self, method, path, form=None, cookies=None, headers=None):
        connection = self._connection()
        sent = dict(headers or {})
        jar = dict(self.cookies if cookies is None else cookies)
        if jar:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            response = Response(raw.status, raw.getheaders(), raw.read())
        finally:
            connection.close()
        if cookies is None:
            for line in response.all("Set-Cookie"):
                name, value, attributes = parse_set_cookie(line)
                if attributes.get("max-age") == "0" or "expires" in attributes and value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        self.log.append((method, path, response))
        return response

    def get(self, path, **options):
        return self.request("GET", path, **options)

    def post(self, path, form, **options):
        return self.request("POST", path, form=form, **options)


def parse_set_cookie(line):
    """(name, value, {attribute lower-cased: value or True})."""
    parts = [p.strip() for p in line.split(";")]
    name, _, value = parts[0].partition("=")
    attributes = {}
    for part in parts[1:]:
        key, has_value, attribute_value = part.partition("=")
        attributes[key.strip().lower()] = attribute_value.strip() if has_value else True
    return name.strip(), value.strip(), attributes


def hidden_value(document, name):
    field = document.find(f"input[name={name}]")
    return field.get("value") if field is not None else None


# --- the browser ------------------------------------------------------------------------------


def axe_script_path():
    """The axe-core that axe-selenium-python ships (read from disk, never fetched)."""
    import axe_selenium_python.axe as axe_module  # noqa: PLC0415

    path = axe_module._DEFAULT_SCRIPT
    if not os.path.isfile(path):
        raise RuntimeError(f"axe-selenium-python ships no axe.min.js at {path}")
    return path


def stale_axe_finding(violation):
    """Why a violation is a known mistake of the axe-core that axe-selenium-python 2.1.6 ships
    (3.1.1, 2018), or None. That axe-core predates the `one-time-code` autocomplete token (in
    the HTML standard since 2018/2019), so it calls the sign-in page's code field invalid."""
    if violation.get("id") == "autocomplete-valid":
        nodes = violation.get("nodes", [])
        if nodes and all('autocomplete="one-time-code"' in (n.get("html") or "") for n in nodes):
            return "axe-core 3.1.1 does not know autocomplete=\"one-time-code\" (valid HTML)"
    return None


class Browser:
    """Headless Debian chromium through Debian's chromedriver, with axe-core."""

    def __init__(self, ignore_certificate_errors=False):
        from selenium import webdriver  # noqa: PLC0415
        from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

        driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        browser_path = shutil.which("chromium") or "/usr/bin/chromium"
        if not os.path.isfile(driver_path):
            raise RuntimeError("chromedriver not found (Debian: apt-get install -y chromium-driver)")
        options = webdriver.ChromeOptions()
        for argument in CHROME_ARGUMENTS:
            options.add_argument(argument)
        if ignore_certificate_errors:
            options.add_argument("--ignore-certificate-errors")
        options.binary_location = browser_path
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # Accept-Language and navigator.language of an office in England. (A date input still
        # shows the operating system's locale, so headless on a C-locale machine writes 10/31/2022.)
        options.add_experimental_option("prefs", {"intl.accept_languages": "en-GB,en"})
        # An explicit driver path: Selenium Manager is never run, so nothing is fetched.
        self.driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
        self.driver.set_page_load_timeout(60)
        self.driver.set_script_timeout(60)
        with open(axe_script_path(), encoding="utf-8") as handle:
            self._axe_source = handle.read()

    @property
    def version(self):
        return self.driver.capabilities.get("browserVersion", "?")

    def quit(self):
        try:
            self.driver.quit()
        except Exception:  # noqa: BLE001 - best effort at the end
            pass

    def open(self, url):
        self.driver.get(url)

    @property
    def path(self):
        parts = urllib.parse.urlsplit(self.driver.current_url)
        return parts.path + (("?" + parts.query) if parts.query else "")

    def source(self):
        return self.driver.page_source

    def document(self):
        """The DOM as the browser holds it, read back with the standard library's parser."""
        return parse_html(self.driver.execute_script("return document.documentElement.outerHTML"))

    def axe(self):
        """axe-core's results for the page now shown: {'violations': [...], ...}."""
        self.driver.execute_script(self._axe_source)
        return self.driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(r); },"
            " function (e) { done({error: String(e)}); });"
        )

    def axe_version(self):
        self.driver.execute_script(self._axe_source)
        return self.driver.execute_script("return axe.version")

    def console(self):
        """Browser console messages since the last call (level, message)."""
        try:
            return [(entry.get("level"), entry.get("message", "")) for entry in self.driver.get_log("browser")]
        except Exception:  # noqa: BLE001 - logs are an extra, not every driver has them
            return []

    def screenshot(self, path, max_height=12000):
        """The whole page (up to `max_height` CSS pixels) as a PNG: the window is made as tall as
        the page for the shot, so the page is laid out as a person would see it scrolling (a
        capture beyond the viewport draws scrolling regions wrongly), then set back."""
        os.makedirs(os.path.dirname(path), exist_ok=True)
        width, height = (int(v) for v in self.driver.execute_script(
            "return [window.outerWidth, Math.max(document.documentElement.scrollHeight,"
            " document.body ? document.body.scrollHeight : 0)]"))
        chrome = int(self.driver.execute_script("return window.outerHeight - window.innerHeight"))
        try:
            self.driver.set_window_size(width, min(height, max_height) + chrome)
            self.driver.save_screenshot(path)
        finally:
            self.driver.set_window_size(*WINDOW_SIZE)

    def click_and_wait(self, element, keys=None):
        """Clicks `element` (or types `keys` into it) and waits until the browser has loaded
        another document: a form answered on the same URL (a 401 on /sign-in) counts too. The
        page it leaves is marked with a script variable, which the next document does not have."""
        from selenium.common.exceptions import WebDriverException  # noqa: PLC0415
        from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

        self.driver.execute_script("window.__assureLeaving = true;")
        if keys is None:
            element.click()
        else:
            element.send_keys(*keys)

        def arrived(driver):
            try:
                return driver.execute_script(
                    "return window.__assureLeaving !== true && document.readyState === 'complete'")
            except WebDriverException:  # the old document is going away: ask again
                return False

        WebDriverWait(self.driver, 60, poll_frequency=0.05).until(arrived)

    def cookie(self, name):
        return self.driver.get_cookie(name)

    def clear_cookies(self):
        self.driver.delete_all_cookies()
