"""Guards on the shape of the ``nblabel`` package: its import graph, module sizes and encapsulation.

The import graph is read from the source with :mod:`ast`; no module is imported. Every import
statement of a module is an edge from that module to the module it names, wherever it stands: at
module level, in a function or method, under ``if TYPE_CHECKING:``, in ``try``/``except``. So is a
call of ``importlib.import_module`` with a literal name. Imports of modules outside the package
are dropped.

* ``import a.b`` and ``from a.b import c`` name ``a.b``; ``from a import b`` names ``a.b`` when
  that is a module or subpackage, else ``a`` (``b`` is then read from ``a/__init__.py``). Relative
  imports are resolved against the importing module's package.
* Package inits. Importing ``a.b.c`` first runs ``a/__init__.py`` and ``a/b/__init__.py``, so an
  edge to a module is also an edge to each package that contains it, except the packages that
  also contain the importing module. Python imports a package before any of its submodules, so
  when a submodule runs, its own packages are already in ``sys.modules`` (perhaps still running
  their ``__init__``) and importing a sibling does not run them again; such an edge could only
  report the ordinary ``package -> submodule -> package`` loop of every package. A submodule that
  reads a name from its own package's ``__init__`` (``from . import register``) names that package
  explicitly, and that edge is kept: if the ``__init__`` imports the submodule, the name may not
  be defined yet, and that is a cycle.
* ``nblabel/__init__.py`` is the top of the graph. Its imports are edges like any other, and no
  other module may import ``nblabel`` itself, so it cannot be part of a cycle. Imports whose
  module name is computed at run time (such as its lazy ``__getattr__``) are not seen.

A cycle is a strongly connected component of this graph (or a module importing itself). Every
cycle fails the guard, lazy or ``TYPE_CHECKING`` imports included: a lazy import only moves the
cycle to the first call, and a ``TYPE_CHECKING`` import is a cycle for type checkers that becomes
a run-time one as soon as the annotation is needed at run time.
"""

from __future__ import annotations

import ast
import importlib.util
import io
import re
import subprocess
import sys
import textwrap
import tokenize
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = REPO_ROOT / "nblabel"

#: The most lines a module of ``nblabel`` may have.
MAX_MODULE_LINES = 500

#: The user-facing module that only the package root may import.
FACADE = "nblabel.project"


@dataclass(frozen=True)
class ImportEdge:
    """One module importing another, with the statement that does it.

    Attributes
    ----------
    importer, target : str
        Dotted names of the importing and the imported module.
    path : str
        File of the importing module, relative to the directory that holds the package.
    line : int
        Line of the statement in that file.
    statement : str
        The statement (or ``import_module`` call) on one line.
    context : str
        Where the statement stands when not at module level, for example
        ``"in Project.review()"`` or ``"under TYPE_CHECKING"``; empty at module level.
    package_of : str or None
        For the edge to a package whose ``__init__`` runs because a module inside it is imported,
        that module; None for the module the statement names.
    """

    importer: str
    target: str
    path: str
    line: int
    statement: str
    context: str
    package_of: str | None = None

    def describe(self) -> str:
        """Say where the import is, which edge it makes and what it reads, on one line."""
        edge = f"{self.importer} -> {self.target}"
        if self.package_of:
            edge += f" (package init, run to import {self.package_of})"
        where = f"  [{self.context}]" if self.context else ""
        return f"{self.path}:{self.line}  {edge}: {self.statement}{where}"


def find_modules(package_dir: Path) -> dict[str, Path]:
    """Map the dotted name of each module of a package to its file.

    Parameters
    ----------
    package_dir : Path
        Directory of the package (the one holding its ``__init__.py``).

    Returns
    -------
    dict of str to Path
        ``"pkg"`` for ``pkg/__init__.py``, ``"pkg.sub.mod"`` for ``pkg/sub/mod.py``, ...
    """
    modules = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = path.relative_to(package_dir.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def absolute_name(package: str, level: int, name: str | None) -> str:
    """Resolve a relative module name.

    Parameters
    ----------
    package : str
        The package the name is relative to: the importing module's package, or the module
        itself when it is a package's ``__init__``.
    level : int
        Number of leading dots; 0 for an absolute name.
    name : str or None
        What follows the dots (None for ``from .. import x``).

    Returns
    -------
    str
        The absolute dotted name.

    Raises
    ------
    ValueError
        If the dots climb above the top-level package.
    """
    if level == 0:
        return name or ""
    parts = package.split(".")
    if level > len(parts):
        raise ValueError(f"{'.' * level}{name or ''} climbs above {package!r}")
    base = ".".join(parts[: len(parts) - level + 1])
    return f"{base}.{name}" if name else base


class _ImportCollector(ast.NodeVisitor):
    """Collect the names imported by one module, with where each import stands."""

    def __init__(self, module: str, is_package: bool, modules: dict[str, Path]):
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.modules = modules
        self.scopes: list[tuple[str, bool]] = []  # (name, is a function) from the outermost
        self.type_checking = 0
        self.found: list[tuple[str, ast.AST, str]] = []  # (imported name, node, context)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._visit_scope(node, is_function=False)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._visit_scope(node, is_function=True)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._visit_scope(node, is_function=True)

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            self.type_checking += 1
            for statement in node.body:
                self.visit(statement)
            self.type_checking -= 1
            for statement in node.orelse:
                self.visit(statement)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = absolute_name(self.package, node.level, node.module)
        targets = []
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            target = submodule if submodule in self.modules else base
            if target not in targets:
                targets.append(target)
        for target in targets:
            self._add(target, node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if called == "import_module" and node.args:
            name = node.args[0]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                level = len(name.value) - len(name.value.lstrip("."))
                anchor = node.args[1] if len(node.args) > 1 else None
                if level == 0:
                    self._add(name.value, node)
                elif isinstance(anchor, ast.Name) and anchor.id in ("__name__", "__package__"):
                    package = self.module if anchor.id == "__name__" else self.package
                    self._add(absolute_name(package, level, name.value[level:] or None), node)
        self.generic_visit(node)

    def _visit_scope(self, node: ast.AST, *, is_function: bool) -> None:
        self.scopes.append((node.name, is_function))
        self.generic_visit(node)
        self.scopes.pop()

    def _add(self, name: str, node: ast.AST) -> None:
        context = []
        if self.scopes:
            qualname = ".".join(scope for scope, _ in self.scopes)
            in_function = any(is_function for _, is_function in self.scopes)
            context.append(f"in {qualname}()" if in_function else f"in class {qualname}")
        if self.type_checking:
            context.append("under TYPE_CHECKING")
        self.found.append((name, node, ", ".join(context)))


def _one_line(lines: list[bytes], node: ast.AST) -> str:
    """Return the source of a node on one line (column offsets count UTF-8 bytes)."""
    first, last = node.lineno - 1, node.end_lineno - 1
    if first == last:
        text = lines[first][node.col_offset : node.end_col_offset]
    else:
        middle = lines[first + 1 : last]
        text = b" ".join(
            [lines[first][node.col_offset :], *middle, lines[last][: node.end_col_offset]]
        )
    return " ".join(text.decode("utf-8").split()).replace("( ", "(").replace(", )", ")")


def collect_imports(package_dir: Path) -> tuple[dict[str, Path], list[ImportEdge]]:
    """Read every module of a package and list the imports between its modules.

    Parameters
    ----------
    package_dir : Path
        Directory of the package.

    Returns
    -------
    modules : dict of str to Path
        As :func:`find_modules`.
    edges : list of ImportEdge
        One edge per module a statement names, plus one per package init that importing it runs
        (see the rule in this file's docstring), in file and line order.
    """
    modules = find_modules(package_dir)
    edges = []
    for module, path in modules.items():
        source = path.read_text(encoding="utf-8")
        collector = _ImportCollector(module, path.name == "__init__.py", modules)
        collector.visit(ast.parse(source, filename=str(path)))
        display_path = path.relative_to(package_dir.parent).as_posix()
        lines = source.encode("utf-8").splitlines()
        for target, node, context in collector.found:
            if target not in modules:
                continue
            statement = _one_line(lines, node)
            edge = ImportEdge(module, target, display_path, node.lineno, statement, context)
            edges.append(edge)
            parts = target.split(".")
            for depth in range(1, len(parts)):
                package = ".".join(parts[:depth])
                inside = module == package or module.startswith(package + ".")
                if package in modules and not inside:
                    edges.append(
                        ImportEdge(
                            module, package, display_path, edge.line, statement, context, target
                        )
                    )
    return modules, edges


def unresolved_imports(package_dir: Path) -> list[str]:
    """List the imports of the package's own modules that name no module of it.

    An import inside a function fails only when the function runs: a relative import one level
    off (``from .rank import x`` in a subpackage) would pass every import-time check.
    """
    modules = find_modules(package_dir)
    root = package_dir.name
    found = []
    for module, path in modules.items():
        source = path.read_text(encoding="utf-8")
        collector = _ImportCollector(module, path.name == "__init__.py", modules)
        collector.visit(ast.parse(source, filename=str(path)))
        lines = source.encode("utf-8").splitlines()
        for target, node, _context in collector.found:
            if (target == root or target.startswith(root + ".")) and target not in modules:
                where = path.relative_to(package_dir.parent).as_posix()
                found.append(f"{where}:{node.lineno}  {target}: {_one_line(lines, node)}")
    return found


def import_cycles(edges: list[ImportEdge]) -> list[list[str]]:
    """Find the import cycles: strongly connected components, and modules importing themselves.

    Parameters
    ----------
    edges : list of ImportEdge
        The import graph.

    Returns
    -------
    list of list of str
        Each cycle's modules, sorted; the cycles sorted by their first module.
    """
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.importer, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = lowlink[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                connect(successor)
                lowlink[node] = min(lowlink[node], lowlink[successor])
            elif successor in on_stack:
                lowlink[node] = min(lowlink[node], index[successor])
        if lowlink[node] == index[node]:
            component = []
            while not component or component[-1] != node:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    cycles = [c for c in components if len(c) > 1 or c[0] in graph[c[0]]]
    return sorted(cycles)


def shortest_loop(cycle: list[str], edges: list[ImportEdge]) -> list[str]:
    """Return a shortest path of imports from a cycle's first module back to itself.

    A module importing itself is that path only when it is the whole cycle.
    """
    members = set(cycle)
    graph: dict[str, set[str]] = {}
    for edge in edges:
        inside = edge.importer in members and edge.target in members
        if inside and (edge.importer != edge.target or len(cycle) == 1):
            graph.setdefault(edge.importer, set()).add(edge.target)
    start = cycle[0]
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for successor in sorted(graph.get(node, ())):
            if successor == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if successor not in came_from:
                came_from[successor] = node
                queue.append(successor)
    raise ValueError(f"{cycle} is not a cycle")


def describe_cycles(cycles: list[list[str]], edges: list[ImportEdge]) -> str:
    """Describe each cycle: its modules, one loop through them, and every import between them."""
    blocks = []
    for number, cycle in enumerate(cycles, start=1):
        members = set(cycle)
        inner = [e for e in edges if e.importer in members and e.target in members]
        lines = [
            f"cycle {number} of {len(cycles)}, {len(cycle)} module(s): {', '.join(cycle)}",
            f"  for example {' -> '.join(shortest_loop(cycle, edges))}",
            f"  the {len(inner)} import(s) between them:",
            *(f"    {edge.describe()}" for edge in inner),
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def ruff_command() -> list[str]:
    """Return the command that runs ruff: this interpreter's ruff module, else the ruff beside it."""
    if importlib.util.find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff"]
    beside = Path(sys.executable).parent / "ruff"
    if beside.exists():
        return [str(beside)]
    pytest.fail(f"ruff is not installed for {sys.executable} (pip install 'nblabel[test]')")


@pytest.fixture(scope="module")
def nblabel_imports() -> tuple[dict[str, Path], list[ImportEdge]]:
    """The modules of nblabel and the imports between them."""
    return collect_imports(PACKAGE_DIR)


def test_no_import_cycles(nblabel_imports):
    _, edges = nblabel_imports
    cycles = import_cycles(edges)
    if cycles:
        pytest.fail(
            f"{len(cycles)} import cycle(s) in nblabel (lazy and TYPE_CHECKING imports count; "
            "see the rules in tests/test_architecture.py):\n\n" + describe_cycles(cycles, edges),
            pytrace=False,
        )


def test_every_import_of_nblabel_names_one_of_its_modules():
    unresolved = unresolved_imports(PACKAGE_DIR)
    assert not unresolved, "imports of nblabel modules that do not exist:\n" + "\n".join(unresolved)


def test_guard_finds_an_import_of_a_module_that_does_not_exist(tmp_path):
    package = _write_package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/sub/__init__.py": "",
        "pkg/sub/a.py": "def f():\n    from .missing import x\n",
    })
    [found] = unresolved_imports(package)
    assert "pkg.sub.missing" in found and "pkg/sub/a.py:2" in found


def test_nothing_imports_the_package_root(nblabel_imports):
    _, edges = nblabel_imports
    offenders = [edge for edge in edges if edge.target == "nblabel"]
    if offenders:
        pytest.fail(
            "modules of nblabel import the package root nblabel (import from the module that "
            "defines the name instead):\n" + "\n".join(f"  {e.describe()}" for e in offenders),
            pytrace=False,
        )


def test_only_the_package_root_imports_the_facade(nblabel_imports):
    _, edges = nblabel_imports
    offenders = [
        edge
        for edge in edges
        if edge.package_of is None
        and (edge.target == FACADE or edge.target.startswith(FACADE + "."))
        and edge.importer != "nblabel"
        and not (edge.importer == FACADE or edge.importer.startswith(FACADE + "."))
    ]
    if offenders:
        pytest.fail(
            f"only nblabel/__init__.py may import {FACADE}; these modules below it do "
            "(lazy and TYPE_CHECKING imports count):\n"
            + "\n".join(f"  {e.describe()}" for e in offenders),
            pytrace=False,
        )


def test_modules_are_small(nblabel_imports):
    modules, _ = nblabel_imports
    lengths = {
        path.relative_to(REPO_ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in modules.values()
    }
    offenders = sorted(
        ((n, path) for path, n in lengths.items() if n > MAX_MODULE_LINES), reverse=True
    )
    if offenders:
        pytest.fail(
            f"{len(offenders)} module(s) of nblabel over {MAX_MODULE_LINES} lines:\n"
            + "\n".join(f"  {path}: {n} lines" for n, path in offenders),
            pytrace=False,
        )


def test_no_access_to_private_members_of_other_objects():
    arguments = ["check", "--select", "SLF001", "--no-cache", "--output-format", "concise"]
    arguments.append("nblabel")
    result = subprocess.run(
        [*ruff_command(), *arguments], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    if result.returncode != 0:
        pytest.fail(
            "ruff finds private members of other objects used in nblabel (SLF001); use or add a "
            "public method, or, rarely, mark the line '# noqa: SLF001 <reason>':\n"
            f"$ ruff {' '.join(arguments)}\n{result.stdout}{result.stderr}",
            pytrace=False,
        )


_NOQA = re.compile(
    r"#\s*(?i:noqa)(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?(?P<rest>.*)"
)


def unexplained_noqa(source: str) -> list[tuple[int, str]]:
    """Find the noqa comments that could hide an SLF001 finding without saying why.

    Parameters
    ----------
    source : str
        Source of a module.

    Returns
    -------
    list of (int, str)
        Line and text of each ``# noqa`` that names no codes (it silences every rule), and of
        each ``# noqa: ... SLF001 ...`` not followed by a reason.
    """
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        match = _NOQA.search(token.string) if token.type == tokenize.COMMENT else None
        if match is None:
            continue
        codes = re.findall(r"[A-Z]+[0-9]+", match["codes"] or "")
        explained = re.search(r"\w", match["rest"]) is not None
        if not codes or ("SLF001" in codes and not explained):
            found.append((token.start[0], token.string))
    return found


def test_private_access_exceptions_give_a_reason(nblabel_imports):
    modules, _ = nblabel_imports
    offenders = [
        f"  {path.relative_to(REPO_ROOT).as_posix()}:{line}: {comment}"
        for path in modules.values()
        for line, comment in unexplained_noqa(path.read_text(encoding="utf-8"))
    ]
    if offenders:
        pytest.fail(
            "a noqa comment must name its codes, and '# noqa: SLF001' must be followed by the "
            "reason the private member is used:\n" + "\n".join(offenders),
            pytrace=False,
        )


def _write_package(root: Path, files: dict[str, str]) -> Path:
    """Write a package's files (``{"pkg/a.py": source}``) under ``root``; return its directory."""
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return root / "pkg"


def _targets(edges: list[ImportEdge], importer: str) -> set[str]:
    return {edge.target for edge in edges if edge.importer == importer}


def test_guard_finds_a_cycle_through_a_function_level_import(tmp_path):
    package = _write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from .b import helper\n",
            "pkg/b.py": """
                def helper():
                    from .a import thing
                    return thing
            """,
            "pkg/c.py": "from . import a\n",
        },
    )
    _, edges = collect_imports(package)
    cycles = import_cycles(edges)
    assert cycles == [["pkg.a", "pkg.b"]]
    report = describe_cycles(cycles, edges)
    assert "for example pkg.a -> pkg.b -> pkg.a" in report
    assert "pkg/b.py:3  pkg.b -> pkg.a: from .a import thing  [in helper()]" in report
    assert "pkg/a.py:1  pkg.a -> pkg.b: from .b import helper" in report


def test_guard_finds_a_cycle_through_type_checking(tmp_path):
    package = _write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg.b import B\n",
            "pkg/b.py": """
                import typing

                if typing.TYPE_CHECKING:
                    import pkg.a
                else:
                    import pkg.c

                class B:
                    def use(self) -> None:
                        try:
                            import importlib
                            importlib.import_module(".c", __package__)
                        except ImportError:
                            pass
            """,
            "pkg/c.py": "",
        },
    )
    _, edges = collect_imports(package)
    assert import_cycles(edges) == [["pkg.a", "pkg.b"]]
    contexts = {edge.statement: edge.context for edge in edges if edge.importer == "pkg.b"}
    assert contexts == {
        "import pkg.a": "under TYPE_CHECKING",
        "import pkg.c": "",
        'importlib.import_module(".c", __package__)': "in B.use()",
    }


def test_guard_resolves_relative_imports_of_several_levels(tmp_path):
    package = _write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/top.py": "",
            "pkg/tasks/__init__.py": "Task = object\n",
            "pkg/agreement/__init__.py": "",
            "pkg/agreement/data.py": "",
            "pkg/sub/__init__.py": "from . import deep\n",
            "pkg/sub/deep/__init__.py": "from .leaf import x\n",
            "pkg/sub/deep/leaf.py": """
                from . import sibling
                from .. import deep
                from ... import top
                from ...tasks import Task
                from ...agreement.data import y
                from ...agreement import (
                    data,
                    z,
                )
                from ...missing import w
                import os.path
            """,
            "pkg/sub/deep/sibling.py": "",
        },
    )
    _, edges = collect_imports(package)
    assert _targets(edges, "pkg.sub.deep.leaf") == {
        "pkg.sub.deep.sibling",
        "pkg.sub.deep",
        "pkg.top",
        "pkg.tasks",
        "pkg.agreement.data",
        "pkg.agreement",
    }
    multiline = (
        "pkg/sub/deep/leaf.py:7  pkg.sub.deep.leaf -> pkg.agreement: "
        "from ...agreement import (data, z)"
    )
    assert multiline in {edge.describe() for edge in edges}
    assert absolute_name("pkg.sub", 2, "tasks") == "pkg.tasks"
    with pytest.raises(ValueError, match="climbs above"):
        absolute_name("pkg.sub", 3, "x")


def test_guard_counts_package_inits_only_from_outside_the_package(tmp_path):
    package = _write_package(
        tmp_path,
        {
            "pkg/__init__.py": "from . import sub\n",
            "pkg/sub/__init__.py": "from .m import f\nfrom pkg.user import g\n",
            "pkg/sub/m.py": "from .n import h\nf = h\n",
            "pkg/sub/n.py": "h = 1\n",
            "pkg/user.py": "from .sub.n import h\ng = h\n",
        },
    )
    _, edges = collect_imports(package)
    assert _targets(edges, "pkg.sub.m") == {"pkg.sub.n"}
    assert _targets(edges, "pkg.user") == {"pkg.sub.n", "pkg.sub"}
    cycles = import_cycles(edges)
    assert cycles == [["pkg.sub", "pkg.user"]]
    assert (
        "pkg/user.py:1  pkg.user -> pkg.sub (package init, run to import pkg.sub.n): "
        "from .sub.n import h" in describe_cycles(cycles, edges)
    )


def test_guard_accepts_only_explained_private_access():
    source = textwrap.dedent("""
        a = obj._x  # noqa: SLF001 - the pandas accessor has no public equivalent
        b = obj._x  # noqa: E501, SLF001 (kept for the pickled format)
        b = obj._x  # noqa: E501,SLF001
        c = obj._x  # noqa: SLF001
        d = obj._x  # noqa
        e = "# noqa"  # noqa: E501
    """)
    assert unexplained_noqa(source) == [
        (4, "# noqa: E501,SLF001"),
        (5, "# noqa: SLF001"),
        (6, "# noqa"),
    ]
