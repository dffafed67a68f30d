"""CSV and XLSX downloads of the dashboard's tables: what they hold, in the reader's language,
who may have them, and bad addresses answered without a 500."""

import csv
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.accounts.factories import UserFactory, user_with_role
from tests.impact.export_world import export_world
from xiangcun.accounts.types import Role
from xiangcun.impact.selectors.tables import export_tables

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
MARCH = "?from=2026-03-01&to=2026-03-31"


@pytest.fixture
def world(db: None) -> SimpleNamespace:
    return export_world()


@pytest.fixture
def manager(client: Client, world: SimpleNamespace) -> Client:
    client.force_login(user_with_role(Role.PROGRAMME_MANAGER))
    return client


def _csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_summary_csv_counts_each_resident_once_with_the_target(manager: Client) -> None:
    response = manager.get(f"/impact/export/summary.csv{MARCH}", **EN)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response.content)
    assert rows[0] == ["Figure", "Value", "Target"]
    by_label = {row[0]: row[1:] for row in rows[1:]}
    # Resident 1 sold and bought: once in the total, in both ways' counts.
    assert by_label["Residents reached in the period"] == ["3", ""]
    assert by_label["Residents reached: Sold"][0] == "1"
    assert by_label["Residents reached: Bought"][0] == "2"
    assert by_label["Residents reached since the programme started"] == ["4", "30000"]
    assert by_label["Employed at the period's end"] == ["2", "2000"]
    assert by_label["Registered poor households reached"][0] == "1"
    assert by_label["Sold out of the county: sales (yuan)"][0] == "1234.50"
    assert by_label["Income paid to registered poor households (yuan)"][0] == "300.25"


def test_areas_xlsx_opens_with_numbers_and_place_names(manager: Client) -> None:
    response = manager.get(f"/impact/export/areas.xlsx{MARCH}", **EN)
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Code", "Township", "Residents reached")
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"Longquan", "Xingren"}
    assert by_name["Longquan"][2] == 2
    assert by_name["Xingren"][2] == 1
    upward = by_name["Longquan"][5]
    assert isinstance(upward, int | float | Decimal)
    assert Decimal(str(upward)) == Decimal("1234.5")
    assert sheet.cell(row=2, column=6).number_format == "0.00"


def test_a_township_lists_its_villages_in_chinese(manager: Client, world: SimpleNamespace) -> None:
    response = manager.get(f"/impact/export/areas.csv{MARCH}&township={world.t1.code}", **ZH)
    assert response.status_code == 200
    rows = _csv(response.content)
    names = {row[1] for row in rows[1:]}
    assert names == {"卡拉村", "高要村"}


def test_series_has_a_row_a_month(manager: Client) -> None:
    response = manager.get("/impact/export/series.csv?from=2026-02-01&to=2026-03-31", **EN)
    rows = _csv(response.content)
    assert rows[0][:2] == ["Month", "Residents reached"]
    by_month = {row[0]: row for row in rows[1:]}
    assert set(by_month) == {"2026-02", "2026-03"}
    assert by_month["2026-03"][1] == "3"
    assert by_month["2026-02"][1] == "1"
    assert by_month["2026-03"][2] == "1234.50"


def test_jobs_by_role_in_the_readers_words(manager: Client) -> None:
    rows = _csv(manager.get(f"/impact/export/jobs.csv{MARCH}", **EN).content)
    assert rows == [["Role", "Hires"], ["Packaging worker", "2"]]


def test_households_export_has_no_id_number_and_no_formula(
    manager: Client, world: SimpleNamespace
) -> None:
    response = manager.get(f"/impact/export/households.csv{MARCH}", **EN)
    rows = _csv(response.content)
    assert "ID number" not in " ".join(rows[0])
    by_number = {row[0]: row for row in rows[1:]}
    assert set(by_number) == {"P-001", "P-002", "P-003"}
    assert by_number["P-001"][5] == "300.25"
    assert by_number["P-002"][1] == "'=HYPERLINK(1)"  # shown as text by a spreadsheet
    sheet = load_workbook(
        io.BytesIO(manager.get(f"/impact/export/households.xlsx{MARCH}", **EN).content)
    ).active
    assert sheet is not None
    heads = [cell for cell in sheet["B"] if cell.value == "=HYPERLINK(1)"]
    assert len(heads) == 1
    assert heads[0].data_type == "s"


def test_unreached_lists_the_households_no_one_reached(manager: Client) -> None:
    rows = _csv(manager.get(f"/impact/export/unreached.csv{MARCH}", **EN).content)
    assert [row[2] for row in rows[1:]] == ["P-002", "P-003"]


@pytest.mark.parametrize("name", list(export_tables()))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_table_downloads_in_both_formats(manager: Client, name: str, fmt: str) -> None:
    response = manager.get(f"/impact/export/{name}.{fmt}{MARCH}")
    assert response.status_code == 200
    if fmt == "csv":
        assert len(_csv(response.content)) >= 2
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        assert sheet.max_row >= 2


def test_anonymous_is_sent_to_log_in(client: Client, world: SimpleNamespace) -> None:
    response = client.get("/impact/export/summary.csv")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize("role", [None, Role.AGENT])
def test_others_are_refused(client: Client, world: SimpleNamespace, role: Role | None) -> None:
    client.force_login(UserFactory() if role is None else user_with_role(role))
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/impact/export/households.{fmt}")
        assert response.status_code == 403
        assert "P-001" not in response.content.decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/impact/export/nothing.csv", 404),
        ("/impact/export/summary.pdf", 404),
        ("/impact/export/summary.csv.xlsx", 404),
        ("/impact/export/summary.csv?from=2026-13-01", 400),
        ("/impact/export/summary.csv?from=2026-03-31&to=2026-03-01", 400),
        ("/impact/export/summary.csv?from=" + "9" * 5000, 400),
        ("/impact/export/areas.xlsx?township=999999999", 404),
        ("/impact/export/areas.xlsx?township=abc", 404),
        ("/impact/export/areas.csv?village=1" + "0" * 40, 404),
        ("/impact/export/series.csv?category=no-such-type", 404),
    ],
)
def test_bad_addresses_are_answered_not_crashed(manager: Client, path: str, status: int) -> None:
    assert manager.get(path).status_code == status


def test_only_reading_is_allowed(manager: Client) -> None:
    assert manager.post("/impact/export/summary.csv").status_code == 405


def test_households_export_follows_the_pages_reached_filter(manager: Client) -> None:
    reached = _csv(manager.get(f"/impact/export/households.csv{MARCH}&reached=yes", **EN).content)
    assert [row[0] for row in reached[1:]] == ["P-001"]
    others = _csv(manager.get(f"/impact/export/households.csv{MARCH}&reached=no", **EN).content)
    assert sorted(row[0] for row in others[1:]) == ["P-002", "P-003"]
    everyone = _csv(manager.get(f"/impact/export/households.csv{MARCH}&reached=x", **EN).content)
    assert len(everyone) == 4
