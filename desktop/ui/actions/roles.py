"""Role checks the menu actions share: accounts in use, who is logged in, why an action is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator

if TYPE_CHECKING:
    from desktop.services.auth import OperatorInfo

_ = translator("Extensions")


def uses_accounts(app: AppContext) -> bool:
    """True once a supervisor account exists (then roles are enforced)."""
    from desktop.services import auth

    return not app.read(auth.needs_first_operator)


def current_operator(app: AppContext) -> OperatorInfo | None:
    """The logged-in operator or None."""
    return app.operator


def supervisor_refusal(app: AppContext, action: str) -> str | None:
    """None when the action may go ahead; otherwise the Vietnamese reason (accounts exist, not a supervisor)."""
    if not uses_accounts(app):
        return None
    from desktop.services import auth

    op = current_operator(app)
    if auth.has_role(op, "supervisor"):
        return None
    return _("Chỉ người phụ trách mới được {0}. Hãy đăng nhập bằng tài khoản người phụ trách.").format(action)
