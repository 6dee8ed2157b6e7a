"""The stateful-types fact against the module source: what a module protects, the apply guard guards."""

from __future__ import annotations

from smartstack_tooling import paths, stateful
from smartstack_tooling.policy import source


def protected_in_source() -> dict[str, str]:
    """``{"modules/data:aws_db_instance.this": type}`` for every resource with prevent_destroy = true."""
    found = {}
    for directory in [
        *sorted(p for p in paths.MODULES.iterdir() if p.is_dir()),
        paths.STATE_BACKEND,
    ]:
        for address in source.resource_blocks(directory):
            if source.prevent_destroy(directory, address):
                found[f"{directory.relative_to(paths.REPO)}:{address}"] = address.split(".")[0]
    return found


def test_every_type_the_modules_protect_from_destroy_is_destroy_guarded():
    protected = protected_in_source()
    assert protected, "no prevent_destroy found in the module source: the reader is broken"
    unguarded = {where: rtype for where, rtype in protected.items() if rtype not in stateful.DESTROY_GUARDED}
    assert unguarded == {}, "add these types to smartstack_tooling.stateful.STATEFUL"
