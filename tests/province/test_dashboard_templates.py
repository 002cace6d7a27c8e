"""The dashboard's markup lives in its Jinja2 templates, escaped by the environment: no Python module of
province/dashboard builds HTML or calls escape() by hand, and no template turns autoescape off."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from province.dashboard import pages

DASHBOARD = Path(pages.__file__).parent
TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>|<!DOCTYPE", re.I)


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string literal, and every literal part of an f-string, with its line."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def _escape_calls(tree: ast.AST) -> list[int]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            if name in {"escape", "Markup"}:
                out.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "html":
            out.append(node.lineno)
    return out


def offences(source: str) -> list[str]:
    tree = ast.parse(source)
    found = [f"line {n}: escape()/Markup()/html import" for n in _escape_calls(tree)]
    found += [f"line {n}: markup in a string: {s[:60]!r}" for n, s in _strings(tree) if TAG.search(s)]
    return found


def test_no_python_module_of_the_dashboard_builds_html() -> None:
    found = {}
    for path in sorted(DASHBOARD.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        if path.name == "pages.py":  # the trusted constants: the style sheet and the phone page's copy
            source = source.replace('env.globals["css"] = Markup(CSS)', 'env.globals["css"] = CSS')  # script,
            source = source.replace('env.globals["copy_js"] = Markup(COPY_JS)', 'env.globals["copy_js"] = COPY_JS')
            # files of this package, each hashed into the CSP
        bad = offences(source)
        if bad:
            found[path.name] = bad
    assert not found


def test_the_check_catches_hand_built_html() -> None:
    """The old way is caught in each of its forms."""
    assert offences('from html import escape\nx = f"<td>{escape(name)}</td>"\n')
    assert offences('x = "<table id=\\"t\\">" + rows\n')
    assert offences('x = f\'<a href="{href}">\' + "</a>"\n')
    assert offences("import markupsafe\nx = markupsafe.Markup(name)\n")
    assert not offences('"""A docstring may say <tr> rows."""\nx = "a < b > c"\n')


def test_every_template_is_autoescaped_and_none_opts_out() -> None:
    names = pages.ENV.list_templates(filter_func=lambda n: n.endswith(".html"))
    assert {"_base.html", "province.html", "commune.html", "login.html", "offline.html", "message.html"} <= set(names)
    for name in names:
        assert pages.ENV.autoescape(name) if callable(pages.ENV.autoescape) else pages.ENV.autoescape
        text = (DASHBOARD / "templates" / name).read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", "") and "autoescape false" not in text, name
    assert pages.ENV.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_the_served_style_sheet_is_the_one_the_csp_allows(client) -> None:
    """The browser applies the inline style only if its SHA-256 is in the Content-Security-Policy."""
    import base64
    import hashlib

    r = client.get("/login")
    style = re.search(r"<style>(.*?)</style>", r.text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in r.headers["content-security-policy"]
    assert "table{border-collapse:collapse" in style
