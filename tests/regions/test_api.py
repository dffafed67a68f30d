"""The public regions API: shapes, filters, errors and query counts."""

import pytest

from xiangcun.regions import selectors, services

DANZHAI_DIVISIONS = [
    ("金泉街道", "Jinquan Subdistrict", "subdistrict"),
    ("龙泉镇", "Longquan Town", "town"),
    ("兴仁镇", "Xingren Town", "town"),
    ("排调镇", "Paidiao Town", "town"),
    ("扬武镇", "Yangwu Town", "town"),
    ("雅灰乡", "Yahui Township", "township"),
    ("南皋乡", "Nangao Township", "township"),
]

STATION_KEYS = {
    "id",
    "code",
    "name",
    "name_en",
    "kind",
    "township",
    "township_code",
    "village",
    "village_code",
    "address",
    "phone",
    "opening_hours",
    "latitude",
    "longitude",
    "coordinates_approximate",
}


def test_townships_lists_danzhais_seven_real_divisions(client, danzhai):
    response = client.get("/api/v1/regions/townships")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    assert [(t["name"], t["name_en"], t["kind"]) for t in body["items"]] == DANZHAI_DIVISIONS
    for township in body["items"]:
        assert township["code"].startswith("522636")
        assert len(township["code"]) == 9
        assert isinstance(township["latitude"], float)
        assert isinstance(township["longitude"], float)
        assert 25.9 < township["latitude"] < 26.5
        assert 107.5 < township["longitude"] < 108.1
        assert township["coordinates_approximate"] is True
        assert township["village_count"] >= 3


def test_townships_is_one_query(client, danzhai, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/api/v1/regions/townships")
    assert response.json()["count"] == 7


def test_township_villages_are_sample_villages_of_that_township(client, danzhai):
    response = client.get("/api/v1/regions/townships/522636201/villages")

    assert response.status_code == 200
    body = response.json()
    names = [village["name"] for village in body["items"]]
    assert "石桥村" in names
    assert body["count"] == len(names)
    assert all(village["is_sample"] for village in body["items"])
    assert all(village["township_code"] == "522636201" for village in body["items"])


def test_township_villages_is_one_query(client, danzhai, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/api/v1/regions/townships/522636102/villages")
    assert "羊先村" in [village["name"] for village in response.json()["items"]]


def test_villages_of_unknown_township_is_not_found(client, danzhai):
    response = client.get("/api/v1/regions/townships/999999999/villages")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_stations_include_warehouse_service_centre_and_a_station_in_every_township(client, danzhai):
    response = client.get("/api/v1/regions/stations")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["items"]) >= 9
    kinds = [station["kind"] for station in body["items"]]
    # County sites come first, then village stations.
    assert kinds[:2] == ["warehouse", "service_centre"]
    assert set(kinds[2:]) == {"village_station"}
    warehouse, centre = body["items"][:2]
    assert warehouse["name"] == "丹寨县仓储中心"
    assert centre["name"] == "丹寨县电子商务服务中心"
    village_stations = body["items"][2:]
    assert {s["township"] for s in village_stations} == {name for name, _, _ in DANZHAI_DIVISIONS}
    for station in body["items"]:
        assert set(station) == STATION_KEYS
        assert station["phone"]
        assert station["opening_hours"]
        assert station["address"].startswith("丹寨县")
        assert isinstance(station["latitude"], float)
    assert all(station["village"] for station in village_stations)


def test_stations_filter_by_kind(client, danzhai):
    response = client.get("/api/v1/regions/stations", {"kind": "warehouse"})

    items = response.json()["items"]
    assert [station["kind"] for station in items] == ["warehouse"]
    assert response.json()["count"] == 1


def test_stations_filter_by_township(client, danzhai):
    response = client.get("/api/v1/regions/stations", {"township": "522636201"})

    items = response.json()["items"]
    assert items
    assert {station["township"] for station in items} == {"南皋乡"}
    assert {station["township_code"] for station in items} == {"522636201"}


def test_stations_filter_by_unknown_kind_is_rejected(client, danzhai):
    response = client.get("/api/v1/regions/stations", {"kind": "castle"})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_stations_list_is_one_query_however_many_stations(
    client, danzhai, django_assert_num_queries
):
    township_id = selectors.townships_list()[0].id
    for number in range(5):
        services.station_create(
            kind="service_centre",
            code=f"EXTRA-{number}",
            name=f"网点{number}",
            township_id=township_id,
        )
    with django_assert_num_queries(1):
        response = client.get("/api/v1/regions/stations")
    assert response.json()["count"] >= 15


def test_station_detail(client, danzhai, django_assert_num_queries):
    warehouse = selectors.stations_list(kind="warehouse")[0]

    with django_assert_num_queries(1):
        response = client.get(f"/api/v1/regions/stations/{warehouse.id}")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == STATION_KEYS
    assert body["kind"] == "warehouse"
    assert body["township"] == "龙泉镇"


def test_unknown_station_is_not_found(client, danzhai):
    response = client.get("/api/v1/regions/stations/999999")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_townships_before_any_data_is_an_empty_list(client):
    response = client.get("/api/v1/regions/townships")

    assert response.json() == {"items": [], "count": 0}


def test_regions_endpoints_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert "/api/v1/regions/townships" in paths
    assert "/api/v1/regions/stations/{station_id}" in paths
    assert "404" in paths["/api/v1/regions/stations/{station_id}"]["get"]["responses"]
