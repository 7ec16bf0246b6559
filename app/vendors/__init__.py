"""The vendor registry: one Vendor descriptor per emulated API."""

from crowdmock.core.vendor import Vendor
from crowdmock.vendors.crowdskout import VENDOR as CROWDSKOUT
from crowdmock.vendors.crowdynews import VENDOR as CROWDYNEWS
from crowdmock.vendors.dosomething import VENDOR as DOSOMETHING
from crowdmock.vendors.ideascale import VENDOR as IDEASCALE
from crowdmock.vendors.ushahidi import VENDOR as USHAHIDI

VENDORS: dict[str, Vendor] = {v.name: v for v in (CROWDSKOUT, CROWDYNEWS, DOSOMETHING, IDEASCALE, USHAHIDI)}
