"""Parts of a hidden tab built the first time they are shown or used, not while the app starts."""
from __future__ import annotations


def built_on_first_use(name: str, ensure: str) -> property:
    """A read-only property returning ``self._parts[name]`` after calling ``self.<ensure>()``,
    which builds every part of the owner once (and fills ``self._parts``)."""

    def get(self):
        getattr(self, ensure)()
        return self._parts[name]
    return property(get, doc=f"The {name} (built on first use).")
