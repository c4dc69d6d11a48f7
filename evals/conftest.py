"""pytest plumbing for `pytest evals/`: offline deepeval, eval options, one Settings/Deps per session.

Options: --update-baseline (write evals/baselines/<suite>.json from this run), --dataset-version (default v1),
--eval-tolerance (default 0.05), --eval-reports-dir (default reports/). JUnit XML for CI: add
`--junitxml=reports/evals-junit.xml`; per-case scores appear there as <property> elements.
"""

from __future__ import annotations

import os

# Must precede any deepeval import (its pytest plugin re-reads the env through get_settings()).
os.environ.setdefault("DEEPEVAL_TELEMETRY_OPT_OUT", "1")
os.environ.setdefault("DEEPEVAL_UPDATE_WARNING_OPT_IN", "0")
os.environ.setdefault("DEEPEVAL_DISABLE_DOTENV", "1")

from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from evals.baselines import DEFAULT_TOLERANCE  # noqa: E402
from evals.runner import DEFAULT_REPORTS_DIR  # noqa: E402


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("evals")
    group.addoption("--update-baseline", action="store_true", default=False,
                    help="write evals/baselines/<suite>.json from this run's metric means")
    group.addoption("--dataset-version", default="v1", help="dataset version to evaluate (default v1)")
    group.addoption("--eval-tolerance", type=float, default=DEFAULT_TOLERANCE,
                    help="allowed drop of a metric mean below its baseline (default 0.05)")
    group.addoption("--eval-reports-dir", default=str(DEFAULT_REPORTS_DIR), help="where run reports are written")


@pytest.fixture(scope="session")
def eval_settings(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Settings for eval runs: a throwaway data dir and the product embedding (MO_EMBEDDING overrides; default minilm)."""
    from graphs.common.config import Settings

    # A 10 s repair budget (not the product's 5 s) so a loaded CI machine does not flip budget-edge cases;
    # benchmarks/bench_auto_fix.py measures the product budget. MO_FIX_BUDGET_S overrides.
    return Settings.from_env().with_(data_dir=tmp_path_factory.mktemp("eval-data"),
                                     embedding=os.environ.get("MO_EMBEDDING", "minilm"),
                                     fix_budget_s=float(os.environ.get("MO_FIX_BUDGET_S", "10")))


@pytest.fixture(scope="session")
def eval_deps(eval_settings: Any) -> Any:
    """Deps shared by all engine runs, with knowledge/ ingested once."""
    from evals.runner import build_eval_deps

    return build_eval_deps(eval_settings)


@pytest.fixture(scope="session")
def eval_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    config = request.config
    return {"update_baseline": config.getoption("--update-baseline"),
            "version": config.getoption("--dataset-version"),
            "tolerance": config.getoption("--eval-tolerance"),
            "reports_dir": Path(config.getoption("--eval-reports-dir"))}


@pytest.fixture(scope="session")
def case_results() -> dict[tuple[str, str], Any]:
    """Per-case results of engine runs, shared between per-case tests and the suite verdict."""
    return {}
