"""What the portal's pages must agree with: the same figures and documents read with the real
`assure` command-line client, on a device signed in as the governance user (its own data
folder), from the same server.
"""

import datetime
import json
import os
import re
import subprocess

from harness import parse_html, collapse

MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
]


def date_forms(iso):
    """The ways a page may write a day: 2022-10-31, 31 October 2022, 31 Oct 2022, 31/10/2022."""
    day = datetime.date.fromisoformat(iso)
    month = MONTHS[day.month - 1]
    return {
        iso, f"{day.day} {month} {day.year}", f"{day.day} {month[:3]} {day.year}",
        f"{day.day:02d}/{day.month:02d}/{day.year}", f"{day.day:02d} {month} {day.year}",
    }


def rag_word(label):
    """The CLI's RAG label (RED, AMBER, GREEN, -) as the portal writes it."""
    return {"RED": "Red", "AMBER": "Amber", "GREEN": "Green"}.get(label.upper(), "Not rated")


def badge_rag(cell):
    """The rating a page's RAG cell shows, from its badge (the documents' words RED, AMBER,
    GREEN, NO RATING; "(set by hand)" may follow), in the reference's words."""
    badge = cell.find("span.rag")
    word = (badge.text() if badge is not None else cell.text()).strip().upper()
    return {"RED": "Red", "AMBER": "Amber", "GREEN": "Green", "NO RATING": "Not rated"}.get(word, word)


def derived_rag(status, start, due, override, day):
    """PlanElement.rag(on:) in Sources/Model/Plan/PlanElement.swift, for a status held on `day`."""
    if override:
        return override.capitalize()
    overdue = due is not None and datetime.date.fromisoformat(due) < day
    if status == "complete":
        return "Green"
    if status == "paused":
        return "Not rated"
    if status == "off-track":
        return "Red"
    if status == "at-risk":
        return "Red" if overdue else "Amber"
    if status == "on-track":
        return "Red" if overdue else "Green"
    if status == "not-started":
        if overdue:
            return "Red"
        if start is not None and datetime.date.fromisoformat(start) < day:
            return "Amber"
        return "Not rated"
    return "Not rated"


class Cli:
    """The real `assure` binary on the governance device."""

    def __init__(self, binary, home, ca=None):
        self.binary = binary
        self.environment = dict(os.environ, ASSURE_HOME=home)
        if ca:
            self.environment["ASSURE_CA"] = ca

    def run(self, *arguments):
        completed = subprocess.run(
            [self.binary, *arguments], env=self.environment, capture_output=True, text=True, timeout=120,
        )
        if completed.returncode != 0:
            raise RuntimeError(
                f"assure {' '.join(arguments)} exited {completed.returncode}: {completed.stderr.strip()[:500]}")
        return completed.stdout

    def json(self, *arguments):
        return json.loads(self.run(*arguments, "--format", "json"))


class Reference:
    """Figures read once with the CLI, cached."""

    def __init__(self, cli):
        self.cli = cli
        self._cache = {}
        cli.run("sync", "--quiet")

    def _once(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # the plan

    def plan(self):
        """[(objective, [element dicts in plan order])]."""
        return self._once("plan", lambda: self.cli.json("plan", "list"))

    def elements(self):
        return [e for o in self.plan() for e in o["elements"]]

    def rag_today(self):
        """{element id: RAG word} as the CLI shows it today (the Model's own rule)."""

        def read():
            result = {}
            for line in self.cli.run("plan", "list").splitlines():
                match = re.match(r"^ {3}(\S+)\s+(\S+)\s+(\S+)\s", line)
                if match:
                    result[match.group(1)] = rag_word(match.group(2))
            return result

        return self._once("rag", read)

    def history(self, element):
        return self._once(("history", element), lambda: self.cli.json("plan", "element", "history", element))

    def rag_on(self, day):
        """{element id: RAG word} on `day`: the status and hand-set rating in force then (from
        each element's history), with the element's dates as they are now."""
        result = {}
        for element in self.elements():
            held = [h for h in self.history(element["id"]) if h["effectiveOn"] <= day.isoformat()]
            if not held:
                continue  # not in the plan yet
            last = held[-1]
            override = (last.get("ragOverride") or {}).get("rag")
            result[element["id"]] = derived_rag(
                last["status"], element.get("startDate"), element.get("dueDate"), override, day)
        return result

    def milestones(self):
        return self._once("milestones", lambda: self.cli.json("plan", "milestone", "list"))

    def updates(self, element):
        return self._once(
            ("updates", element), lambda: self.cli.json("plan", "update", "list", "--element", element, "--limit", "1000"))

    # engagements

    def summary(self, start, end):
        return self._once(("summary", start, end), lambda: self.cli.json(
            "engagement", "summary", "--from", start, "--to", end))

    def engagements(self, start=None, end=None, **filters):
        arguments = ["engagement", "list"]
        if start:
            arguments += ["--from", start]
        if end:
            arguments += ["--to", end]
        for name, value in sorted(filters.items()):
            arguments += [f"--{name}", value]
        return self._once(("engagements", tuple(arguments)), lambda: self.cli.json(*arguments))

    # governance

    def meetings(self):
        return self._once("meetings", lambda: self.cli.json("meeting", "list"))

    def open_actions(self):
        return self._once("actions", lambda: self.cli.json("action", "list"))

    def force(self):
        return self._once("force", lambda: self.cli.json("force", "show"))

    # documents

    def review_html(self, month):
        return self._once(("review", month), lambda: self.cli.run("review", month, "--format", "html"))

    def review_markdown(self, month):
        return self._once(("review-md", month), lambda: self.cli.run("review", month))

    def panel_html(self, start, end):
        return self._once(("panel", start, end), lambda: self.cli.run(
            "report", "panel", "--from", start, "--to", end, "--format", "html"))


def document_blocks(html_text):
    """The text blocks of a Reports document (CLI HTML): headings, list items, paragraphs and
    table cells, in order, as (tag, text)."""
    root = parse_html(html_text)
    main = root.find("main") or root.find("body") or root
    blocks = []
    for node in main.iter():
        if node.tag in {"h1", "h2", "h3", "h4", "h5", "h6", "li", "p", "td", "th", "caption"}:
            text = collapse(node.text())
            if text:
                blocks.append((node.tag, text))
    return blocks


def panel_paragraphs(html_text):
    """The Panel report's numbered paragraphs: [(number, text of the paragraph's first block)]."""
    root = parse_html(html_text)
    result = []
    for para in root.find_all("div.para"):
        number = para.find("span.num")
        body = para.find("div.body")
        first = body.find("p") if body is not None else None
        source = first if first is not None else body
        if number is None or source is None:
            continue
        result.append((collapse(number.text()).rstrip("."), collapse(source.text())))
    return result


def markdown_headings(markdown):
    """The review's Markdown headings, their escapes removed."""
    headings = []
    for line in markdown.splitlines():
        match = re.match(r"^(#{1,6}) (.*)$", line)
        if match:
            headings.append(re.sub(r"\\(.)", r"\1", match.group(2)).strip())
    return headings
