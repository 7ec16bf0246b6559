"""The vendor registry: one Vendor descriptor per emulated API."""

from app.core.vendor import Vendor
from app.vendors.crowdskout import VENDOR as CROWDSKOUT
from app.vendors.crowdynews import VENDOR as CROWDYNEWS
from app.vendors.dosomething import VENDOR as DOSOMETHING
from app.vendors.ideascale import VENDOR as IDEASCALE
from app.vendors.ushahidi import VENDOR as USHAHIDI

VENDORS: dict[str, Vendor] = {v.name: v for v in (CROWDSKOUT, CROWDYNEWS, DOSOMETHING, IDEASCALE, USHAHIDI)}
