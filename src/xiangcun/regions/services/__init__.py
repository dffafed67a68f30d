"""Every write and check of regions: addresses anywhere in mainland China and their check,
"paste an address", the divisions table's refresh, programme sites and the Danzhai demo.

Other apps import this package, never a module inside it.
"""

from xiangcun.regions.services.addresses import address_check
from xiangcun.regions.services.divisions import divisions_load
from xiangcun.regions.services.parsing import address_parse
from xiangcun.regions.services.sites import address_create, danzhai_demo_load, station_create

__all__ = [
    "address_check",
    "address_create",
    "address_parse",
    "danzhai_demo_load",
    "divisions_load",
    "station_create",
]
