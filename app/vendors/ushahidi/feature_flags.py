"""The deployment's feature switches: the `features` config group (docs/vendors/ushahidi.md §1.4)."""

from crowdmock.core.db import get_row
from crowdmock.vendors.ushahidi.auth import Ctx
from crowdmock.vendors.ushahidi.models import ConfigGroup


def feature_enabled(ctx: Ctx, name: str) -> bool:
    """FeatureManager::isEnabled: a scalar switch is its truth, an object its `enabled`; a missing one is off."""
    group = get_row(ctx.session, ConfigGroup, "features")
    value = (group.data or {}).get(name) if group else None
    if isinstance(value, dict):
        return bool(value.get("enabled"))
    return bool(value)
