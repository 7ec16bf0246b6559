"""Imports go one way (docs/architecture.md, "Layers"): routes -> a vendor's logic -> its models and crowdmock.core;
core imports no vendor, no vendor imports another, no route module imports another, and nothing imports in a
circle, not even from inside a function."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"


def _module_name(path: Path) -> str:
    parts = ["crowdmock", *path.relative_to(APP).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in APP.rglob("*.py")}


def _imports(name: str) -> set[str]:
    """Every crowdmock module `name` imports, at the top or inside a function (`from a.b import c` names the module
    `a.b.c` when there is one, else `a.b`). Imports only for type checkers are left out."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = [ast.Pass()]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: _imports(name) for name in MODULES}


def _vendor(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "vendors" else None


def _in_routes(module: str) -> bool:
    return _vendor(module) is not None and len(module.split(".")) > 3 and module.split(".")[3] == "routes"


def test_no_module_imports_in_a_circle():
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                cycles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("crowdmock.core")))
def test_core_imports_no_vendor_admin_dashboard_or_app_assembly(module):
    assert {
        target
        for target in GRAPH[module]
        if target.startswith(("crowdmock.vendors", "crowdmock.admin", "crowdmock.dashboard", "crowdmock.main"))
    } == set()


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _vendor(m)))
def test_a_vendor_imports_no_other_vendor(module):
    assert {target for target in GRAPH[module] if _vendor(target) not in (None, _vendor(module))} == set()


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _vendor(m)))
def test_routes_are_imported_only_by_the_module_that_assembles_them(module):
    """A route module imports logic, never another route module; logic never imports routes (the vendor's
    descriptor reaches `routes` by name, on first use)."""
    assembler = f"crowdmock.vendors.{_vendor(module)}.routes"
    allowed = {target for target in GRAPH[module] if module == assembler}
    assert {target for target in GRAPH[module] if _in_routes(target)} - allowed == set()


def test_the_graph_sees_imports_at_every_depth():
    """A check of the checker: imports inside functions count (the CLI imports the app lazily)."""
    assert "crowdmock.main" in GRAPH["crowdmock.cli"]
    assert "crowdmock.vendors.ushahidi.models" in GRAPH["crowdmock.vendors.ushahidi.seed"]
