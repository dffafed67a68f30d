"""County > township > village, programme sites (warehouse, service centre, stations), addresses."""
