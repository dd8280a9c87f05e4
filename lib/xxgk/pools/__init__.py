"""Where a batch's reports run: a pool takes reports and hands back each one's manifest entry.

Two pools: this machine's worker processes (:mod:`.fork`, the default) and a dask.distributed
cluster (:mod:`.dask_cluster`, ``--scheduler tcp://…`` or ``local:N``).  The batch (:mod:`xxgk.batch`)
plans, records and reports the same way with either.

Each module of this package that defines ``SCHEMES`` (the ``--scheduler`` address schemes it
serves, ``""`` for no address) and ``Pool`` is a pool: adding one (Ray, say) is adding a module here.
Those modules import their heavy libraries only when a pool starts, since the batch looks them up
before it knows whether anything needs rendering.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any, Callable

from ..batch_plan import Job, Options, UsageError
from ..i18n import tr


@dataclass
class Done:
    """A report the pool finished with: its manifest entry (without its inputs) and how long it took."""

    job: Job
    entry: dict[str, Any]
    seconds: float


class PoolError(Exception):
    """The pool cannot run the batch at all (a scheduler that cannot be reached, no worker fit to
    render): the batch stops before it writes anything (exit status 1)."""


class CouldNotStart(Exception):
    """A worker for this one report could not be started (out of processes or memory): retried once."""


class Pool:
    """A context manager: entering starts the pool (it may raise :class:`PoolError`); leaving stops
    whatever still runs and leaves no partial file behind."""

    #: The notebook engine reports run with, and where they run ("" for this machine), for the display.
    engine: str = ""
    where: str = ""

    def __init__(self, opts: Options, address: str | None, warn: Callable[[str], None]):
        self.opts = opts
        self.address = address
        self.warn = warn

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def room(self) -> int:
        """How many more reports may be submitted now."""
        raise NotImplementedError

    def submit(self, job: Job) -> None:
        """Start rendering ``job`` (may raise :class:`CouldNotStart`)."""
        raise NotImplementedError

    def running(self) -> int:
        """Reports submitted and not yet handed back."""
        raise NotImplementedError

    def collect(self, timeout: float) -> list[Done]:
        """Reports finished since the last call, waiting up to ``timeout`` seconds for one."""
        raise NotImplementedError


def scheme(address: str | None) -> str:
    """``tcp://host:8786`` → ``tcp``; ``local:4`` → ``local``; no address → ``""``."""
    if not address:
        return ""
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", address.strip())
    return m.group(1).lower() if m else "?"


@lru_cache(maxsize=1)
def _registry() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for s in getattr(module, "SCHEMES", ()):
            found[s] = module
    return found


def make(opts: Options, warn: Callable[[str], None]) -> Pool:
    """The pool ``opts.scheduler`` names, not started yet (:class:`UsageError` for an address no pool
    serves, or options that pool cannot take)."""
    registry = _registry()
    module = registry.get(scheme(opts.scheduler))
    if module is None:
        known = ", ".join(sorted(s for s in registry if s))
        raise UsageError(tr("--scheduler：不认识地址 {a}；应为 tcp://主机:端口 或 local:N（可用的协议：{known}）",
                            "--scheduler: {a} is not an address the kit knows; use tcp://host:port or local:N (schemes: {known})",
                            a=repr(opts.scheduler), known=known))
    return module.Pool(opts, opts.scheduler, warn)
