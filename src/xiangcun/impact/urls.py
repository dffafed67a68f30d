"""Impact pages under /impact/ (namespace `impact`)."""

from django.urls import URLPattern, path

from xiangcun.impact.views import dashboard, exports, households, public, reports

app_name = "impact"

urlpatterns: list[URLPattern] = [
    # The programme manager's dashboard, its drill-down and filters (views/dashboard.py).
    path("", dashboard.dashboard, name="dashboard"),
    # Registered poor households: reached, and not reached yet (views/households.py).
    path("households/", households.households, name="households"),
    path("households/unreached/", households.unreached, name="unreached"),
    # The public summary the county links to (views/public.py).
    path("public/", public.public_summary, name="public"),
    # CSV and XLSX of every table (views/exports.py).
    path("export/<slug:table>.<slug:fmt>", exports.export, name="export"),
    # Monthly PDF reports: the list, asking for one, its progress and the file (views/reports.py).
    path("reports/", reports.reports, name="reports"),
    path("reports/<int:report_id>/", reports.report_status, name="report_status"),
    path("reports/<int:report_id>/download/", reports.report_download, name="report_download"),
]
