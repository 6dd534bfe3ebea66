"""Read the pager (templates/components/pager.html) out of a page, as the tests of every paginated list need it."""

from html.parser import HTMLParser
from urllib.parse import parse_qs


class _Pager(HTMLParser):
    def __init__(self):
        super().__init__()
        self.navs = 0
        self.depth = 0  # >0 while inside <nav class="pager">
        self.items: list[dict] = []
        self.nav: dict = {}  # the <nav>'s own attributes: its links inherit the hx-* ones

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "nav" and attrs.get("class") == "pager":
            self.navs += 1
            self.depth = 1
            self.nav = attrs
        elif self.depth:
            if tag == "nav":
                self.depth += 1
            if tag in ("a", "span"):
                self.items.append({"tag": tag, "text": "", **attrs})

    def handle_endtag(self, tag):
        if self.depth and tag == "nav":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and self.items:
            self.items[-1]["text"] += data.strip()


def pager_of(html: str) -> list[dict]:
    """The pager's links and spans in order, each {"tag", "text", its attributes and those it inherits}."""
    parser = _Pager()
    parser.feed(html)
    assert parser.navs <= 1, "one pager per list"
    inherited = {name: value for name, value in parser.nav.items() if name.startswith("hx-")}
    return [{**inherited, **item} for item in parser.items]


def query_of(url: str) -> dict[str, list[str]]:
    assert url.startswith("?") and not url.startswith("??"), url
    return parse_qs(url[1:], keep_blank_values=True)


def assert_pager(html: str, *, current: int, target: str, swap: str, keeps: dict[str, str]) -> list[dict]:
    """The current page marked, and every link a real href, the same hx-get, pushed, keeping `keeps`."""
    items = pager_of(html)
    assert items, "no pager"
    assert [i["text"] for i in items if "aria-current" in i] == [str(current)]
    links = [i for i in items if i["tag"] == "a"]
    for link in links:
        assert link["href"] == link["hx-get"], link
        assert (link["hx-target"], link["hx-swap"], link["hx-push-url"]) == (target, swap, "true"), link
        query = query_of(link["href"])
        for name, value in keeps.items():
            assert query.get(name) == [value], (name, link)
        expected = {"Previous": current - 1, "Next": current + 1}.get(link["text"]) or int(link["text"])
        assert query["page"] == [str(expected)], link
    for gap in (i for i in items if i.get("class") == "gap"):
        assert gap["text"] == "…" and gap["aria-hidden"] == "true"
    rels = {link.get("rel") for link in links} - {None}
    assert ("prev" in rels) == (current > 1)
    return items
