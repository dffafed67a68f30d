"""The service-centre API under /api/v1/servicecenter/: agents for their own station, and the
staff above them. Errors answer `{"code", "message"}`."""

from ninja import Router

from xiangcun.servicecenter.api_commission import router as commission_router
from xiangcun.servicecenter.api_drawers import router as drawers_router
from xiangcun.servicecenter.api_orders import router as orders_router
from xiangcun.servicecenter.api_residents import router as residents_router

router = Router()
router.add_router("", residents_router)
router.add_router("", orders_router)
router.add_router("", drawers_router)
router.add_router("", commission_router)
