"""What the admin endpoints work on, kept on the admin app's state."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from crowdmock.admin.errors import AdminError
from crowdmock.core.faults import Faults
from crowdmock.core.journal import Entry, Journal
from crowdmock.core.shared import ControlPlane
from crowdmock.core.store import Store
from crowdmock.core.tenancy import DEFAULT, tenant_of
from crowdmock.core.vendor import Vendor
from crowdmock.settings import Settings


@dataclass
class Admin:
    store: Store
    settings: Settings
    control: ControlPlane
    vendors: dict[str, Vendor]  # the vendors this server serves
    tenant: str = DEFAULT

    @property
    def journal(self) -> Journal:
        return self.control.journal

    @property
    def faults(self) -> Faults:
        return self.control.faults

    def shown(self, entry: Entry) -> dict:
        """A journal entry as the admin API shows it, with the tenant it belongs to."""
        return {**entry.as_dict(), "tenant": self.tenant}

    def vendor(self, name: str | None, status: int = 422) -> Vendor | None:
        """The named vendor (None for None); `status` (422 in a body, 404 in a query) for one not served here."""
        if name is None:
            return None
        if name not in self.vendors:
            problem = f"unknown vendor {name!r}; known: {', '.join(self.vendors)}"
            raise AdminError(status, "unknown vendor" if status == 404 else "invalid request", [problem])
        return self.vendors[name]


def get_admin(request: Request) -> Admin:
    """The admin API of the request's tenant (core/tenancy.py)."""
    tenant = tenant_of(request)
    return Admin(tenant.store, tenant.settings, tenant.control, request.app.state.vendors, tenant.name)


AdminDep = Annotated[Admin, Depends(get_admin)]
