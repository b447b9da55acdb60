"""Layers you can see: apps import downward only, and this test keeps it so.

    core → regions → stations → staff → registry → visits → (cases | assistance | activities | supervision)
         → (bulletins | maps) → dashboards

`core` imports no app; an app imports only apps below it; the four peers do not import each other; project-level
modules (`shuangbai/{demo,synth,urls,views,settings,cli,...}.py` and the `shuangbai.project` app with the
project's commands) sit above every app and no app imports them. Management commands belong to the app whose
package holds them. Imports are read with `ast`, absolute and relative, at module level and inside functions
(a lazy import is still a dependency); dotted strings (INSTALLED_APPS, `include("shuangbai.x.urls")`,
template names) are not imports.

What a lower app needs from a higher one it gets through a hook the higher app registers in its
AppConfig.ready() (station figures, coverage service sources, the timeline, station/region panels, site facts,
staffing, the supervisor's stations).

Accepted exception, not an import: the custom `core.User` (AUTH_USER_MODEL) has foreign keys to
"regions.Region", "stations.Station" and "staff.Staff" as string references; core reads them as attributes
(`user.scope_station.region_code`) and never imports those apps. Moving them is a migration project of its own.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import shuangbai

PACKAGE = "shuangbai"
ROOT = Path(shuangbai.__file__).resolve().parent

# Higher number = higher layer; equal numbers above 0 are peers that must not import each other.
LAYERS = {
    "core": 0,
    "regions": 1,
    "stations": 2,
    "staff": 3,
    "registry": 4,
    "visits": 5,
    "cases": 6,
    "assistance": 6,
    "activities": 6,
    "supervision": 6,
    "bulletins": 7,
    "maps": 7,  # reads visits, registry and stations; a peer of the bulletins
    "dashboards": 8,
}
PROJECT = "project"  # shuangbai/*.py and the shuangbai.project app: above every app


@dataclass(frozen=True)
class Import:
    file: str
    line: int
    importer: str  # an app name or PROJECT
    module: str  # the resolved shuangbai.* module


def module_name(relative: Path) -> tuple[str, bool]:
    """`regions/selectors.py` -> ("shuangbai.regions.selectors", False); packages end in `__init__`."""
    parts = [PACKAGE, *relative.with_suffix("").parts]
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def group_of(module: str) -> str | None:
    """The app a `shuangbai.*` module belongs to, PROJECT for project modules, None for the bare package."""
    parts = module.split(".")
    if parts[0] != PACKAGE or len(parts) < 2:
        return None
    if parts[1] in LAYERS:
        return parts[1]
    return PROJECT


def imports_of(module: str, is_package: bool, source: str, file: str) -> Iterable[Import]:
    """Every `shuangbai.*` import in a module's source, wherever it sits (module, class, function)."""
    importer = group_of(module) or PROJECT
    for node in ast.walk(ast.parse(source, file)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base.pop()
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # `from shuangbai import demo` names a module of the bare package
            targets = [f"{target}.{alias.name}" for alias in node.names] if target == PACKAGE else [target]
        else:
            continue
        for target in targets:
            if group_of(target) is not None:
                yield Import(file, node.lineno, importer, target)


def check(imports: Iterable[Import]) -> tuple[list[str], dict[str, set[str]]]:
    """The violations (one line each, naming file:line) and the app graph {importer: {imported, ...}}."""
    problems = []
    graph: dict[str, set[str]] = {}
    for imp in imports:
        importer, imported = imp.importer, group_of(imp.module)
        if importer == imported:
            continue
        graph.setdefault(importer, set()).add(imported)
        if importer == PROJECT:
            continue
        where = f"{imp.file}:{imp.line} imports {imp.module}"
        if imported == PROJECT:
            problems.append(f"{where}: {importer} imports a project-level module")
        elif importer == "core":
            problems.append(f"{where}: core imports no app")
        elif LAYERS[imported] > LAYERS[importer]:
            problems.append(f"{where}: upward import {importer} -> {imported}")
        elif LAYERS[imported] == LAYERS[importer]:
            problems.append(f"{where}: peers {importer} and {imported} must not import each other")
    problems.extend(f"import cycle: {' -> '.join(cycle)}" for cycle in cycles(graph))
    return problems, graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """One cycle per back edge found by a depth-first walk (empty when the graph is acyclic)."""
    found, state = [], {}  # state: 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def scan(root: Path = ROOT) -> list[Import]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if "migrations" in relative.parts:
            continue
        module, is_package = module_name(relative)
        found.extend(
            imports_of(module, is_package, path.read_text(encoding="utf-8"), f"{PACKAGE}/{relative}")
        )
    return found


def scan_sources(sources: Mapping[str, str]) -> list[Import]:
    """The same scan over {path under shuangbai/: source}, for the self-check."""
    found = []
    for name, source in sources.items():
        module, is_package = module_name(Path(name))
        found.extend(imports_of(module, is_package, source, f"{PACKAGE}/{name}"))
    return found


def test_the_checker_reports_what_it_should():
    """Proof that the test can fail: a synthetic tree with one of each kind of violation."""
    problems, graph = check(
        scan_sources(
            {
                "core/scoping.py": "def f():\n    from shuangbai.staff.selectors import x\n",
                "regions/views.py": "from shuangbai.stations import selectors\n",
                "stations/figures_views.py": "import shuangbai.visits.coverage as cov\n",
                "cases/hooks.py": "from ..activities.models import Activity\n",
                "activities/hooks.py": "from shuangbai.cases import models\n",
                "visits/management/commands/x.py": "from shuangbai import synth\n",
                "registry/ok.py": "from ..visits import models\nfrom . import selectors\nfrom .. import core\n",
                "demo.py": "from shuangbai.bulletins import demo\nfrom .synth import synth_build\n",
                "bulletins/ok.py": "from shuangbai.cases.models import Case\nfrom shuangbai.core import scoping\n",
            }
        )
    )
    text = "\n".join(problems)
    assert "shuangbai/core/scoping.py:2 imports shuangbai.staff.selectors: core imports no app" in text
    assert (
        "shuangbai/regions/views.py:1 imports shuangbai.stations: upward import regions -> stations" in text
    )
    assert "shuangbai/stations/figures_views.py:1 imports shuangbai.visits.coverage: upward" in text
    assert "shuangbai/cases/hooks.py:1 imports shuangbai.activities.models: peers" in text
    assert (
        "shuangbai/visits/management/commands/x.py:1 imports shuangbai.synth: visits imports a project"
        in text
    )
    assert "shuangbai/registry/ok.py:1 imports shuangbai.visits: upward import registry -> visits" in text
    assert "import cycle: activities -> cases -> activities" in text
    assert not any("bulletins/ok.py" in p or "shuangbai/demo.py" in p for p in problems)
    assert "shuangbai/registry/ok.py:3" not in text  # `from .. import core`: registry -> core is downward
    assert graph[PROJECT] == {"bulletins"}
    assert len(problems) == 8, text


def test_cycles_are_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": {"c"}}) == []


def test_apps_import_downward_only():
    imports = scan()
    assert len(imports) > 300, "the scan found too few imports: is it reading the package?"
    problems, graph = check(imports)
    for importer in sorted(graph, key=lambda app: LAYERS.get(app, 99)):
        print(f"{importer} -> {', '.join(sorted(graph[importer], key=lambda app: LAYERS.get(app, 99)))}")
    assert not problems, "layer violations:\n" + "\n".join(problems)
    assert cycles(graph) == []
    assert "core" not in graph, "core imports no app"


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps - {PROJECT} <= set(LAYERS), f"apps without a layer: {sorted(apps - {PROJECT} - set(LAYERS))}"
