"""The service centre: agents at village stations act for residents (find or register them, order
for them, take their cash), keep a cash drawer per shift, earn commission, and keep working
through a weak signal (the counter console is an offline-first PWA)."""
