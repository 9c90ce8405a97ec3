"""How `make test` hands the tests to its pytest-xdist workers (`--dist loadgroup`); a plugin of tests/conftest.py.

The tests of a group (an `xdist_group` mark: conftest gives one to the tests of a module that share a module
fixture) go to one worker, so the fixture is built once. xdist 3.8 carries the group in the test id, which pytest
9.2 no longer lets it change, and so hands grouped tests out one by one (pytest-dev/pytest-xdist#1386). Here the
workers, which collect, write each test's group to a file in the session's temp folder, and the controller's
scheduler (xdist's own load-by-scope one) reads it there.

The order, the same on every worker: the largest integration group first, so its worker builds the shared good run
at once while the next runs the unit tests instead of waiting for it; then the other integration groups, largest
first; the single integration tests last, as they balance the workers at the end.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

GROUPS_FILE = "xdist_groups.json"


def group_of(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("xdist_group")
    return str(marker.args[0]) if marker else None


def handing_out_order(items: list[pytest.Item]) -> dict[pytest.Item, tuple]:
    """A sort key per test: (kind, larger group first, group)."""
    sizes = Counter(group_of(item) for item in items)
    integration = {item for item in items if item.get_closest_marker("integration")}
    groups = [group for item in integration if (group := group_of(item))]
    first = max(groups, key=lambda group: (sizes[group], group), default=None)
    keys = {}
    for item in items:
        group = group_of(item)
        if item not in integration:
            kind = 1
        elif group is not None:
            kind = 0 if group == first else 2
        else:
            kind = 3
        keys[item] = (kind, -sizes[group] if group else 0, group or "")
    return keys


@pytest.hookimpl(trylast=True)  # after conftest has marked the tests
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not (os.environ.get("PYTEST_XDIST_WORKER") and config.getvalue("loadgroup")):
        return
    keys = handing_out_order(items)
    items.sort(key=keys.__getitem__)
    # xdist sets a worker's basetemp to a folder inside the controller's: the parent is the session's.
    target = Path(config.option.basetemp).parent / GROUPS_FILE
    partial = target.with_name(f"{GROUPS_FILE}.{os.environ['PYTEST_XDIST_WORKER']}")
    partial.write_text(json.dumps({item.nodeid: group_of(item) for item in items}), encoding="utf-8")
    os.replace(partial, target)  # every worker writes the same; a reader never sees half of one


@pytest.hookimpl(optionalhook=True)  # an xdist hook: without xdist, nothing asks
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        """Scopes are the groups the workers wrote (a test of none is its own), in the order they were collected."""

        groups: dict[str, str | None] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:  # first asked once every worker has collected, so written it is
                # the controller's basetemp, found as xdist itself finds it to give the workers theirs
                path = config._tmp_path_factory.getbasetemp() / GROUPS_FILE
                self.groups = json.loads(path.read_text(encoding="utf-8"))
            return self.groups.get(nodeid) or nodeid

    config.option.loadscopereorder = False  # keep the order the workers sorted the tests in
    return GroupScheduling(config, log)
