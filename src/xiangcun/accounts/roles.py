"""Which permissions each role's group holds: the one table to edit when an app adds a model.

Names are "app_label.codename". Permissions of apps not built yet are skipped by `roles_sync`,
so the table can name them already; they are granted once the app exists and roles_sync runs.
"""

from xiangcun.accounts.types import Role


def _crud(model: str, *actions: str) -> list[str]:
    app_label, model_name = model.split(".")
    return [f"{app_label}.{action}_{model_name}" for action in actions]


ALL = ("view", "add", "change", "delete")

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.BUYER: [],
    Role.RESIDENT: [],
    Role.SELLER: [
        *_crud("sellers.seller", "view", "change"),
        *_crud("sellers.shopphoto", *ALL),
        *_crud("catalog.product", *ALL),
        *_crud("catalog.variant", *ALL),
        *_crud("catalog.productphoto", *ALL),
        *_crud("inventory.stock", "view"),
        *_crud("traceability.lot", "view", "add", "change"),
    ],
    Role.AGENT: [
        *_crud("accounts.residentprofile", "view", "add", "change"),
        *_crud("accounts.household", "view", "add", "change"),
        *_crud("regions.village", "view"),
        *_crud("orders.order", "view", "add"),
        *_crud("servicecenter.cashdrawer", "view", "change"),
    ],
    Role.WAREHOUSE: [
        *_crud("regions.station", "view"),
        *_crud("inventory.stock", "view", "change"),
        *_crud("inventory.stockmovement", "view", "add"),
        *_crud("inventory.location", "view"),
        *_crud("logistics.parcel", "view", "change"),
        *_crud("logistics.intake", "view", "add"),
        *_crud("logistics.routeplan", "view", "add"),
        # shipping: the rate tables, on /console/shipping/ and in the admin
        *_crud("shipping.carrier", "view", "add", "change"),
        *_crud("shipping.carrierservice", "view", "add", "change"),
        *_crud("shipping.zone", *ALL),
        *_crud("shipping.rate", *ALL),
        *_crud("shipping.remotesurcharge", *ALL),
        *_crud("shipping.freeshipping", *ALL),
    ],
    Role.PACKER: [
        *_crud("inventory.stock", "view"),
        *_crud("logistics.parcel", "view", "change"),
    ],
    Role.DRIVER: [
        *_crud("logistics.route", "view"),
        *_crud("logistics.routestop", "view", "change"),
    ],
    Role.COURIER: [
        *_crud("logistics.parcel", "view", "change"),
    ],
    Role.BRAND_MANAGER: [
        *_crud("catalog.brand", *ALL),
        *_crud("catalog.category", *ALL),
        *_crud("catalog.certification", *ALL),
        "catalog.verify_certification",
        *_crud("catalog.product", "view", "change"),
        "catalog.review_product",
        *_crud("sellers.seller", "view"),
        "traceability.recall_lot",
    ],
    Role.LOAN_OFFICER: [
        *_crud("finance.loan", "view", "change"),
        # Loans: products and credit rules are the officers' to keep; limits are set by admins.
        *_crud("finance.loanproduct", "view", "add", "change"),
        *_crud("finance.creditrule", "view", "add", "change"),
        *_crud("finance.creditassessment", "view"),
        *_crud("finance.loanaction", "view"),
        *_crud("finance.officerlimit", "view"),
        *_crud("finance.repayment", "view", "add"),
    ],
    Role.RECRUITER: [
        *_crud("jobs.posting", *ALL),
        *_crud("jobs.application", "view", "change"),
    ],
    Role.TRAINER: [
        # Courses are written in the admin, lessons and questions inline.
        *_crud("training.course", *ALL),
        *_crud("training.lesson", *ALL),
        *_crud("training.question", *ALL),
        *_crud("training.option", *ALL),
        *_crud("training.trainingsession", "view", "change"),
        *_crud("training.registration", "view"),
        *_crud("training.certificate", "view"),
    ],
    Role.PROGRAMME_MANAGER: [
        "sellers.review_seller",
        "catalog.review_product",
        "catalog.verify_certification",
        *_crud("catalog.certification", "view"),
        *_crud("sellers.seller", "view"),
        *_crud("accounts.residentprofile", "view"),
        *_crud("accounts.household", "view"),
        *_crud("regions.village", "view"),
        *_crud("regions.station", "view"),
        "traceability.recall_lot",
        # shipping: the rate tables, on /console/shipping/ and in the admin
        *_crud("shipping.carrier", "view", "add", "change"),
        *_crud("shipping.carrierservice", "view", "add", "change"),
        *_crud("shipping.zone", *ALL),
        *_crud("shipping.rate", *ALL),
        *_crud("shipping.remotesurcharge", *ALL),
        *_crud("shipping.freeshipping", *ALL),
        # Payouts (settlement and payouts work): run them, settle failed ones, see them.
        "finance.run_payouts",
        *_crud("finance.payoutrun", "view"),
        *_crud("finance.payout", "view"),
        *_crud("finance.payoutaccount", "view"),
    ],
    # Administrators are superusers (see demo_users_ensure); the group only names the role.
    Role.ADMIN: [],
}
