"""How often `poflow up` restarts a child that dies: a budget per window of time.

A worker or API that crashes now and then (a bad deploy of a dependency, the
machine short of memory for a moment) should be restarted for as long as the
stack runs; one that crashes again and again is broken, and restarting it
forever would only hide that. So: at most `limit` restarts in any `window_s`
seconds, counted per child. Six crashes an hour apart never stop the stack;
six within the window do (with the default 5 per 10 minutes).

Pure: the caller passes the time (time.monotonic() in the supervisor loop,
plain numbers in the tests).
"""

from __future__ import annotations

from collections import deque

__all__ = ["DEFAULT_RESTART_LIMIT", "DEFAULT_RESTART_WINDOW_S", "RestartBudget", "describe_window"]

DEFAULT_RESTART_LIMIT = 5
DEFAULT_RESTART_WINDOW_S = 600.0


class RestartBudget:
    """At most `limit` restarts in any `window_s` seconds (limit 0: never restart)."""

    def __init__(
        self, limit: int = DEFAULT_RESTART_LIMIT, window_s: float = DEFAULT_RESTART_WINDOW_S
    ) -> None:
        if limit < 0:
            raise ValueError(f"the restart limit must be 0 or more, got {limit}")
        if window_s <= 0:
            raise ValueError(f"the restart window must be more than 0 seconds, got {window_s:g}")
        self.limit = limit
        self.window_s = window_s
        self._restarts: deque[float] = deque()

    def allow(self, now: float) -> bool:
        """A restart at `now`: True (and counted) while the window has room,
        False when `limit` restarts already happened in the `window_s` before `now`."""
        self._forget_before(now)
        if len(self._restarts) >= self.limit:
            return False
        self._restarts.append(now)
        return True

    def recent(self, now: float) -> int:
        """Restarts in the window that ends at `now`."""
        self._forget_before(now)
        return len(self._restarts)

    def describe(self) -> str:
        """`5 restarts per 10 min`."""
        return f"{self.limit} restart{'' if self.limit == 1 else 's'} per {describe_window(self.window_s)}"

    def _forget_before(self, now: float) -> None:
        # A restart exactly window_s ago has left the window.
        while self._restarts and self._restarts[0] <= now - self.window_s:
            self._restarts.popleft()


def describe_window(seconds: float) -> str:
    """600 → `10 min`, 90 → `90 s`, 3600 → `60 min`."""
    if seconds >= 60 and seconds % 60 == 0:
        return f"{int(seconds // 60)} min"
    return f"{seconds:g} s"
