"""The house stays one-way: no app imports an app above it (docs/architecture.md); and each app
owns its URLs under its own namespace (issue 15).

Imports are read from the source with ``ast``, so an import hidden inside a function counts as
much as one at the top of a module. Tests and migrations may reach anywhere (a test builds the
whole tiny world); everything else follows the layers below, bottom first. URLs are read from
Django's own resolver: what ``reverse()`` would find is what counts.
"""

import ast
import importlib
from pathlib import Path

import pytest
from django import urls

ROOT = Path(__file__).resolve().parent.parent / "risingtide"

# Bottom first. Apps in one inner list are peers only in name: within the list, too, an app
# may import those before it and never those after it.
LAYERS = [
    ["lib", "audit", "access", "schools", "people"],  # foundation: access imports no app
    # domain apps, each above the ones it builds on
    [
        "tasc",
        "portfolios",
        "feedback",
        "transfer",
        "library",
        "register",
        "insights",
        "standards",
        "training",  # builds on the improvement plan (standards) and library
        "credits",
        "provision",
        "learners",  # issue 19: profiles and guides, then the school's opportunities,
        "opportunities",  # then plans that link to what a pupil took part in,
        "learning_plans",  # then families, who see all three
        "families",
        "twofactor",  # issue 20: a second factor, then sign-in through a school's provider,
        "sso",  # then rosters in and out, launches from a learning platform,
        "rostering",  # and badges for TASC (signed as training credentials are)
        "lti",
        "badges",
        "backups",  # issue 21: backup and restore, then the site administrator's
        "security",  # security overview (which shows the newest backup's age)
        "privacy",  # issue 21: above every app holding personal data (each declares its own)
    ],
    ["api", "home", "demo", "cli", "urls", "settings", "wsgi"],  # what people and scripts reach
]
ORDER = [app for layer in LAYERS for app in layer]
RANK = {app: n for n, app in enumerate(ORDER)}
# Most modules stay small; a longer one says in its docstring why it must be.
MAX_LINES = 450


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path, parts[0].removesuffix(".py")


def imports_between_apps(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """(importing app, imported app, "file:line") for every import of one of our apps from
    another."""
    found = []
    for path, app in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "risingtide" and len(parts) > 1 and parts[1] != app:
                    where = f"{path.relative_to(root.parent)}:{node.lineno}"
                    found.append((app, parts[1], where))
    return found


def upward(edges) -> list[str]:
    return [
        f"{where}: {low} imports {high}, which sits above it"
        for low, high, where in edges
        if RANK.get(low, len(ORDER)) < RANK.get(high, len(ORDER))
    ]


def test_every_app_has_a_place_in_the_layers():
    apps = {app for _, app in _sources() if app != "__init__"}
    assert apps <= set(ORDER), f"place these in LAYERS: {sorted(apps - set(ORDER))}"


def test_no_app_imports_an_app_above_it():
    assert upward(imports_between_apps()) == []


def test_the_check_catches_an_upward_import():
    """The check itself must fail on the thing it guards against."""
    edges = [("register", "insights", "risingtide/register/services.py:1")]
    assert upward(edges) == [
        "risingtide/register/services.py:1: register imports insights, which sits above it"
    ]
    assert upward([("insights", "register", "x:1")]) == []
    assert upward([("access", "people", "x:1")])  # the engine imports no app above lib/audit


def test_access_imports_no_app():
    edges = [(low, high) for low, high, _ in imports_between_apps() if low == "access"]
    assert {high for _, high in edges} <= {"lib", "audit"}


def _lines(path: Path) -> int:
    return path.read_text(encoding="utf-8").count("\n")


@pytest.mark.parametrize(
    "path", [p for p, _ in _sources()], ids=lambda p: str(p.relative_to(ROOT.parent))
)
def test_modules_are_small_or_say_why(path):
    name = str(path.relative_to(ROOT.parent))
    if _lines(path) <= MAX_LINES:
        return
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert "Longer than" in doc, (
        f"{name} has {_lines(path)} lines: split it along its seams, or say in its docstring "
        f"why it must be longer (a sentence starting 'Longer than')"
    )


def _imports_in_functions(path: Path):
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith(
                    "risingtide"
                ):
                    yield inner.lineno, lines[inner.lineno - 1]


def test_an_import_inside_a_function_says_why():
    """An import hides inside a function only to break a real cycle at start-up (or, in an
    ``AppConfig.ready``, because models are not loaded before): it says so in a comment."""
    unexplained = {}
    for path, _ in _sources():
        name = str(path.relative_to(ROOT.parent))
        if path.name == "apps.py":
            continue
        for number, line in _imports_in_functions(path):
            if "#" not in line:
                unexplained.setdefault(name, []).append(f"{number}: {line.strip()}")
    assert unexplained == {}


# --- each app's urls.py is namespaced (issue 15) -----------------------------------------------


def _app_urlconfs():
    """(app, module) for every app's urls.py that is a URLconf (lib/urls.py is a helper)."""
    for file in sorted(ROOT.glob("*/urls.py")):
        module = importlib.import_module(f"risingtide.{file.parent.name}.urls")
        if hasattr(module, "urlpatterns"):
            yield file.parent.name, module


def unnamespaced_names(urlconf=None) -> list[str]:
    """Route names ``reverse()`` finds without a namespace."""
    return sorted(key for key in urls.get_resolver(urlconf).reverse_dict if isinstance(key, str))


def test_every_apps_urls_py_names_its_app():
    wrong = {
        f"risingtide/{app}/urls.py": getattr(module, "app_name", None)
        for app, module in _app_urlconfs()
        if getattr(module, "app_name", None) != app
    }
    assert wrong == {}, "each app's urls.py sets app_name to the app's label"


def test_every_apps_urls_are_included_under_its_namespace():
    included = {
        getattr(resolver.urlconf_name, "__name__", None): resolver.namespace
        for resolver in urls.get_resolver().url_patterns
        if isinstance(resolver, urls.URLResolver)
    }
    assert {f"risingtide.{app}.urls": app for app, _ in _app_urlconfs()}.items() <= (
        included.items()
    )


def test_no_route_answers_to_a_name_without_its_namespace():
    assert unnamespaced_names() == [], "use app_name in that urls.py, and 'app:name' to reverse"


def _never_called(request):  # pragma: no cover - only reversed
    raise AssertionError


# A URLconf with one route in a namespace and one without, for the check on the check.
urlpatterns = [
    urls.path("inside/", urls.include(([urls.path("", _never_called, name="inside")], "ours"))),
    urls.path("outside/", urls.include([urls.path("", _never_called, name="outside")])),
]


def test_the_check_catches_a_name_without_a_namespace():
    assert unnamespaced_names(__name__) == ["outside"]
