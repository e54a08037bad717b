"""An import-linter contract type the built-in ones lack: no module imports in a circle.

`acyclic_siblings` compares packages (a package and everything below it); views and services of
one domain may rightly stand on either side of another domain's modules. This contract looks
at modules themselves: every import, lazy ones inside functions included, and fails on any
circle, however long. Used by .importlinter (contract_types).
"""

from __future__ import annotations

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class ModulesAcyclicContract(Contract):
    type_name = "modules_acyclic"

    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        modules = sorted(m for m in graph.modules if m.split(".")[0] in set(self.packages))  # type: ignore
        circles = _strongly_connected(modules, lambda m: graph.find_modules_directly_imported_by(m))
        return ContractCheck(kept=not circles, metadata={"circles": circles, "graph": graph})

    def render_broken_contract(self, check: ContractCheck) -> None:
        graph = check.metadata["graph"]
        for circle in check.metadata["circles"]:
            output.print_error(f"These {len(circle)} modules import each other in a circle:", bold=True)
            members = set(circle)
            for importer in circle:
                for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
                    lines = sorted({d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)})
                    output.print(f"  {importer} -> {imported} (l.{', l.'.join(map(str, lines))})")
            output.new_line()


def _strongly_connected(nodes: list[str], edges) -> list[list[str]]:
    """Tarjan's algorithm without recursion; the components of more than one module."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    node_set = set(nodes)
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges(start) & node_set)))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges(child) & node_set))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found
