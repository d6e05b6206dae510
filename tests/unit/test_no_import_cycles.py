"""No module of likeness_guard imports itself back, directly or through others (issue 23)."""

from collections.abc import Callable, Iterable

import grimp

PACKAGE = "likeness_guard"


def _strongly_connected(
    nodes: Iterable[str], successors: Callable[[str], Iterable[str]]
) -> list[list[str]]:
    """Return the strongly connected components of a directed graph (Tarjan, no recursion)."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        index[root] = lowest[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(successors(root))))]
        while work:
            node, pending = work[-1]
            child = next(pending, None)
            if child is not None:
                if child not in index:
                    index[child] = lowest[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(successors(child)))))
                elif child in on_stack:
                    lowest[node] = min(lowest[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowest[parent] = min(lowest[parent], lowest[node])
            if lowest[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def test_the_helper_finds_a_cycle_and_ignores_a_chain() -> None:
    edges = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"], "e": []}
    components = _strongly_connected(sorted(edges), lambda node: edges[node])
    assert sorted(c for c in components if len(c) > 1) == [["a", "b", "c"]]


def test_no_module_imports_itself_back() -> None:
    # grimp sees every import: at module level, inside functions (the lazy heavy ones) and
    # under TYPE_CHECKING. A package is its `__init__`: `from pkg import name` inside a
    # submodule is an edge to the package only when `name` is not itself a submodule, so an
    # `__init__` that imports a submodule which imports back from the package is a cycle,
    # while one submodule importing a sibling is not.
    graph = grimp.build_graph(PACKAGE, cache_dir=None)
    cycles = [
        component
        for component in _strongly_connected(
            sorted(graph.modules), graph.find_modules_directly_imported_by
        )
        if len(component) > 1
    ]
    lines = []
    for component in cycles:
        lines.append(" <-> ".join(component))
        for importer in component:
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if imported in component:
                    for detail in graph.get_import_details(importer=importer, imported=imported):
                        lines.append(
                            f"    {importer}:{detail['line_number']}: {detail['line_contents']}"
                        )
    assert not cycles, "import cycles:\n" + "\n".join(lines)
