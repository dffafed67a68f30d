"""The service centre's demo: residents at agent 13800000004's station (one without a phone),
commission rules, and an assisted order already delivered, so the desk is not empty."""


def servicecenter_demo_load() -> dict[str, int]:
    return {}
