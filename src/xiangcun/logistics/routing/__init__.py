"""Route planning for the county fleet: types, travel matrices, the PyVRP planner and a checker.

Pure Python (no models): the logistics services feed it depots, stops and vehicles and store the
`Plan` it returns. `plan_check` re-verifies any plan without the solver.
"""

from xiangcun.logistics.routing.check import plan_check
from xiangcun.logistics.routing.matrix import (
    CalibrationResult,
    MatrixProvider,
    OfflineMatrixProvider,
    OsrmMatrixProvider,
)
from xiangcun.logistics.routing.planner import Planner, PyVrpPlanner
from xiangcun.logistics.routing.types import (
    Depot,
    Matrix,
    Plan,
    PlannedStop,
    RoutePlan,
    Stop,
    VehicleSpec,
)

__all__ = [
    "CalibrationResult",
    "Depot",
    "Matrix",
    "MatrixProvider",
    "OfflineMatrixProvider",
    "OsrmMatrixProvider",
    "Plan",
    "PlannedStop",
    "Planner",
    "PyVrpPlanner",
    "RoutePlan",
    "Stop",
    "VehicleSpec",
    "plan_check",
]
