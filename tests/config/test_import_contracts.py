"""The import contracts (.importlinter) hold, and the no-circles contract finds a circle."""

import subprocess
import sys
from pathlib import Path

import grimp

from tests.import_contracts import ModulesAcyclicContract

ROOT = Path(__file__).resolve().parents[2]


def test_lint_imports_keeps_every_contract():
    # As `make test` runs it (.ci/test-all): a broken contract fails the run.
    run = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()",
         "--no-logo", "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def _check(imports):
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    contract = ModulesAcyclicContract(name="t", session_options={}, contract_options={"packages": ["forum"]})
    return contract.check(graph, verbose=False)


def test_a_lazy_circle_between_a_service_and_the_tasks_is_found():
    check = _check([("forum.services.a", "forum.tasks"), ("forum.tasks", "forum.services.a"),
                    ("forum.views.x", "forum.services.a")])
    assert not check.kept
    assert check.metadata["circles"] == [["forum.services.a", "forum.tasks"]]


def test_imports_that_run_one_way_pass():
    check = _check([("forum.views.x", "forum.services.a"), ("forum.services.a", "forum.models"),
                    ("forum.tasks", "forum.services.a")])
    assert check.kept
