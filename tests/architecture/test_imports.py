"""The house rules of docs/architecture.md, checked on the source: no import circles (engine and
server); the engine's
parts import downward only; the engine never imports the server, Flask or sockets; PyGAD only in
engine/plan/ga.py.

Every import counts, the ones inside functions too: a circle hidden in a function is still a
circle a newcomer has to untangle.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "server")

# The engine's layers, lowest first: a module may import its own layer and the ones below.
ENGINE_LAYERS = [
    {"engine.errors", "engine.runinfo"},
    {"engine.data"},
    {"engine.forecast", "engine.explore", "engine.demo", "engine.demo_oracle", "engine.datasets"},
    {"engine.plan"},
    {"engine.export"},
]

# The server's rooms, lowest first (docs/architecture.md): a module may import its own room and the
# ones below. Kinds know nothing of runners or HTTP; the lifecycle knows kinds but no HTTP; views
# and sockets sit on top, the app factory joins everything.
SERVER_LAYERS = [
    {"server.config", "server.jobs", "server.wire", "server.blobs"},
    {"server.store", "server.jobstore_redis", "server.validated", "server.shares"},
    {"server.kinds"},
    {"server.lifecycle", "server.hub"},
    {"server.runners", "server.celery_app"},
    {"server.bodies", "server.responses", "server.problems", "server.security", "server.ratelimit",
     "server.openapi", "server.ws", "server.pages", "server.api"},
    {"server.app", "server.__main__", "server"},
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            out[module_name(path)] = path
    return out


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports (``from pkg import module`` resolved to the module)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            targets = [f"{origin}.{alias.name}" for alias in node.names] + [origin]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    edges = {name: imports_of(name, path, known) for name, path in mods.items()}
    # a package's __init__ re-exporting its modules is not a circle with them
    return {name: {t for t in targets if not name.startswith(t + ".")} for name, targets in edges.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return out


def layer_of(name: str, layers: list[set[str]] = ENGINE_LAYERS) -> int | None:
    for number, layer in enumerate(layers):
        if any(name == part or name.startswith(part + ".") for part in layer):
            return number
    return None


def upward_imports(prefix: str, layers: list[set[str]]) -> list[str]:
    upward = []
    for name, targets in graph().items():
        if not (name == prefix or name.startswith(prefix + ".")) or layer_of(name, layers) is None:
            continue
        for target in targets:
            if target.startswith(prefix) and layer_of(target, layers) is not None \
                    and layer_of(target, layers) > layer_of(name, layers):
                upward.append(f"{name} -> {target}")
    return sorted(upward)


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circles_in_the_engine():
    engine = {n: {t for t in ts if t.startswith("engine")} for n, ts in graph().items() if n.startswith("engine")}
    assert cycles(engine) == []


def test_no_import_circles_in_the_server():
    server = {n: {t for t in ts if t.startswith("server")} for n, ts in graph().items() if n.startswith("server")}
    assert cycles(server) == []


def test_no_import_circles_at_all():
    assert cycles(graph()) == []


def importers_of(library: str) -> list[str]:
    """Project modules that import ``library`` in any form (``import x``, ``from x import y``,
    ``import x.sub``), anywhere in the file."""
    out = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            if any(n == library or n.startswith(library + ".") for n in names):
                out.append(name)
                break
    return sorted(out)


def test_only_engine_plan_ga_imports_pygad():
    assert importers_of("pygad") == ["engine.plan.ga"]


def test_the_importer_finder_sees_every_form(tmp_path, monkeypatch):
    for i, line in enumerate(["import pygad", "from pygad import GA", "import pygad.utils as u",
                              "def f():\n    from pygad import GA"]):
        (tmp_path / "engine").mkdir(exist_ok=True)
        (tmp_path / "engine" / f"m{i}.py").write_text(line + "\n")
    (tmp_path / "engine" / "clean.py").write_text("import numpy\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGES", ("engine",))
    assert importers_of("pygad") == ["engine.m0", "engine.m1", "engine.m2", "engine.m3"]


def test_engine_parts_import_downward_only():
    assert upward_imports("engine", ENGINE_LAYERS) == []


def test_server_rooms_import_downward_only():
    assert upward_imports("server", SERVER_LAYERS) == []


def test_every_server_module_has_a_room():
    assert [n for n in modules() if n.startswith("server") and layer_of(n, SERVER_LAYERS) is None] == []


def test_the_layer_check_sees_an_upward_import(tmp_path, monkeypatch):
    (tmp_path / "server" / "kinds").mkdir(parents=True)
    (tmp_path / "server" / "kinds" / "__init__.py").write_text("")
    (tmp_path / "server" / "kinds" / "bad.py").write_text("def f():\n    from ..api import jobs\n")
    (tmp_path / "server" / "api").mkdir()
    (tmp_path / "server" / "api" / "__init__.py").write_text("")
    (tmp_path / "server" / "api" / "jobs.py").write_text("from ..kinds import bad\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGES", ("server",))
    assert upward_imports("server", SERVER_LAYERS) == ["server.kinds.bad -> server.api",
                                                       "server.kinds.bad -> server.api.jobs"]


def test_every_engine_module_has_a_layer():
    assert [n for n in modules() if n.startswith("engine.") and layer_of(n) is None] == []


def test_engine_does_no_io_of_its_own_kind():
    """The engine never imports the server, Flask, sockets or HTTP clients (DESIGN.md, rule 1)."""
    banned = ("server", "flask", "flask_sock", "socket", "requests", "urllib.request", "celery", "redis")
    offenders = []
    for name, path in modules().items():
        if not name.startswith("engine") or name.startswith("engine.datasets"):
            continue  # engine.datasets fetches public data on purpose (bench and tests only)
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            offenders += [f"{name}: {n}" for n in names if n.split(".")[0] in banned or n in banned]
    assert offenders == []
