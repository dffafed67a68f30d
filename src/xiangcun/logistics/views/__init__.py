"""Logistics pages, one module per group of work (`logistics/urls.py` routes to them):

- `home`: the logistics home, the pages of the user's jobs;
- `driver`: the driver's route for the day and its stops;
- `station`: the station's hand-over counter and sending back what nobody collected;
- `packing`: packing an order, its slip and label;
- `carriers`: national carriers: waybills and labels, hand-over lists, tracking pushes, and
  the buyer's "where is my parcel" page;
- `warehouse`: intake grading and receiving returned parcels;
- `dispatch`: the board that plans the day's routes;
- `fleet`: vans, staff and shifts;
- `pickups`: farm pickup requests (by sellers, and by agents for farmers).

Views parse and show; the services decide. A service's refusal is shown next to the form or as
a message (`xiangcun.core.pages`); a permission refusal and a record named in the address that
is not there reach the error middleware (403/404 page).
"""
