"""Private deployments (PrivateDeployment::canAccessDeployment, docs/vendors/ushahidi.md §1.26): when the `private`
feature is on and the site config says `private`, only signed-in users get past the authorizers."""

from collections.abc import Callable
from functools import wraps

from sqlmodel import Session, select

from crowdmock.vendors.ushahidi.models import ConfigGroup


def deployment_is_private(session: Session) -> bool:
    """Feature::isEnabled('private') and site config `private` (one query, for callers without a user only)."""
    rows = session.exec(select(ConfigGroup).where(ConfigGroup.id.in_(("site", "features")))).all()
    data = {row.id: row.data or {} for row in rows}
    feature = data.get("features", {}).get("private")
    enabled = bool(feature.get("enabled")) if isinstance(feature, dict) else bool(feature)
    return enabled and bool(data.get("site", {}).get("private"))


def members_only(privileges: Callable[..., list[str]]) -> Callable[..., list[str]]:
    """An authorizer's privileges, none at all for a caller a private deployment keeps out."""

    @wraps(privileges)
    def checked(caller, *args, **kwargs) -> list[str]:
        if caller.locked_out:
            return []
        return privileges(caller, *args, **kwargs)

    return checked
