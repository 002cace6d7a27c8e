"""Common behaviour of the main views: lazy first load, refresh on the changes that concern them.

A view gets the AppContext as `app`: it reads through `app.read(service_fn, ...)` and writes through
`app.runner.op(...)` with a worker function of `desktop/ui/operations/`."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.changes import Changes
from desktop.ui.support.context import AppContext


class View(QWidget):
    """Subclasses implement `reload()` and say which `Changes` concern them in `cares_about()`.

    Every view subscribes itself to the runner on creation: `notify(changes)` is the one way a change-set
    reaches a screen. A hidden view only notes it is out of date (reloaded when shown), unless it sets
    `reload_when_hidden` (small panels whose words others read, e.g. the sync panel's day states)."""

    reload_when_hidden = False

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self._loaded = False
        self._dirty = False
        app.runner.subscribe(self)

    def cares_about(self, changes: Changes) -> bool:
        return changes.any()

    def reload(self) -> None:
        raise NotImplementedError

    def activate(self) -> None:
        """Called when the view is shown; loads the first time and after changes while hidden."""
        if not self._loaded or self._dirty:
            self._loaded, self._dirty = True, False
            self.reload()

    def notify(self, changes: Changes) -> None:
        if not self.cares_about(changes):
            return
        if self.isVisible() or self.reload_when_hidden:
            self._loaded, self._dirty = True, False
            self.reload()
        else:
            self._dirty = True

    def focus_search(self) -> None:
        pass

    def shutdown(self) -> None:
        pass
