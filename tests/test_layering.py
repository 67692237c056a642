"""The layering contract over features, by pattern: every package under bot/ that is not a
core package is a feature, checked the day it is added (no hand-kept list of features).

- No feature imports `handlers` (only the wiring, bot/app.py, does: pyproject's contract).
- Features import each other only where ALLOWED says so, each with its reason: one feature
  using another's published rules, texts or buttons. Anything else goes through core modules
  (bot/membership.py, bot/viewer.py, bot/delivery/, ...).
- The allowed imports make no circle between features.

import-linter (pyproject.toml, `lint-imports` in CI) keeps the other contracts: storage imports
no feature, the core modules import no feature and no storage, rules and texts no Telegram.
"""

from __future__ import annotations

import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
# Packages under bot/ that are not features: the storage seam, the delivery engine, the
# emulator.
CORE_PACKAGES = {"storage", "delivery", "emulator"}

# (importing feature, imported feature): why.
ALLOWED: dict[tuple[str, str], str] = {
    ("certificates", "attendance"): "a certificate is earned by attendance's progress rule",
    ("charts", "attendance"): "the attendance chart draws attendance's progress",
    ("charts", "feedback"): "the feedback chart draws feedback's summary",
    ("charts", "goals"): "the goals chart draws the goals' progress and labels",
    ("feedback", "attendance"): "only people who checked in are asked; attendance's lines",
    ("materials", "attendance"): "who checked in decides the follow-up's wording",
    ("people", "help"): "country labels shared with /help",
    ("attendance", "people"): "the attendance export names organization and sector as /people",
    ("networking", "people"): "a profile shows organization and sector as /people",
    ("roster", "people"): "a roster row is checked with /profile's sectors and names",
    ("program", "sessions"): "a changed link is announced by sessions' rule (within 24 h)",
    ("questions", "broadcasts"): "a question is relayed under the same header as a reply",
    ("reminders", "attendance"): "'starting now' carries the check-in button",
    ("reminders", "people"): "the wider group's welcome (people's text) is its first "
                             "'starting now' reminder",
    ("reminders", "sessions"): "reminders show the session's join lines, button and .ics",
    ("sessions", "feedback"): "/session N offers the feedback button and shows the stars",
    ("sessions", "materials"): "/session N lists the session's materials and their button",
    ("warnings", "attendance"): "who missed a session and who can still reach the certificate: "
                                "attendance's progress rule, as /me",
    ("warnings", "materials"): "the word after a missed session lists its materials and button",
    ("warnings", "people"): "a name in the digest opens the person card (its button)",
}


def features() -> set[str]:
    return {p.name for p in (ROOT / "bot").iterdir()
            if (p / "__init__.py").exists() and p.name not in CORE_PACKAGES}


@pytest.fixture(scope="module")
def edges() -> dict[tuple[str, str], list[str]]:
    """(feature, feature) -> the imports behind it, module to module."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph("bot", "handlers", exclude_type_checking_imports=True)
    found: dict[tuple[str, str], list[str]] = {}
    names = features()
    for module in graph.modules:
        parts = module.split(".")
        if parts[0] != "bot" or len(parts) < 2 or parts[1] not in names:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = imported.split(".")
            if target[0] == "handlers" or (
                    target[0] == "bot" and len(target) > 1 and target[1] in names
                    and target[1] != parts[1]):
                key = (parts[1], "handlers" if target[0] == "handlers" else target[1])
                found.setdefault(key, []).append(f"{module} -> {imported}")
    return found


def test_features_are_found_by_pattern() -> None:
    assert {"attendance", "reminders", "sessions", "goals"} <= features()
    assert not features() & CORE_PACKAGES


def test_no_feature_imports_handlers(edges: dict[tuple[str, str], list[str]]) -> None:
    assert {k: v for k, v in edges.items() if k[1] == "handlers"} == {}


def test_features_import_each_other_only_as_allowed(
        edges: dict[tuple[str, str], list[str]]) -> None:
    unexpected = {k: v for k, v in edges.items() if k[1] != "handlers" and k not in ALLOWED}
    assert unexpected == {}, "a new import between features: through a core module, or " \
                             "add it to ALLOWED with its reason"


def test_no_allowed_exception_is_stale(edges: dict[tuple[str, str], list[str]]) -> None:
    assert set(ALLOWED) <= set(edges), set(ALLOWED) - set(edges)


def test_no_circle_between_features(edges: dict[tuple[str, str], list[str]]) -> None:
    graph: dict[str, set[str]] = {}
    for importer, imported in edges:
        graph.setdefault(importer, set()).add(imported)
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        pytest.fail(f"features import each other in a circle: {exc.args[1]}")


def test_every_feature_describes_itself_once() -> None:
    """A feature with jobs, exports or staff commands says so in bot/<feature>/feature.py, and
    bot/features.py lists it: the wiring, /export and the staff menus walk that list."""
    from bot.features import FEATURES, job_builders

    described = {p.name for p in (ROOT / "bot").iterdir() if (p / "feature.py").exists()}
    assert {f.name for f in FEATURES} == described
    assert described <= features()
    with_jobs = {p.parent.name for p in (ROOT / "bot").glob("*/jobs.py")
                 if "\nasync def build" in p.read_text()}
    assert with_jobs <= {f.name for f in FEATURES if f.jobs}
    assert len(job_builders()) == sum(len(f.jobs) for f in FEATURES)
