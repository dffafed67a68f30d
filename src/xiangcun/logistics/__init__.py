"""Fleet and staff, farm pickups, packing, parcels, last-mile delivery and route planning."""
