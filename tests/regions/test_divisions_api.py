"""The divisions and "paste an address" API: shapes, errors, no 500."""

import pytest

DIVISION_KEYS = {"code", "name", "name_en", "level", "has_children"}


def test_divisions_without_parent_are_the_provinces(client, db):
    response = client.get("/api/v1/regions/divisions")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["items"]) == 31
    assert set(body["items"][0]) == DIVISION_KEYS
    guangdong = next(item for item in body["items"] if item["code"] == "440000")
    assert guangdong == {
        "code": "440000",
        "name": "广东省",
        "name_en": "Guangdong",
        "level": "province",
        "has_children": True,
    }


def test_guangdongs_prefectures_include_guangzhou(client, db):
    body = client.get("/api/v1/regions/divisions", {"parent": "440000"}).json()

    guangzhou = next(item for item in body["items"] if item["code"] == "440100")
    assert guangzhou["name"] == "广州市"
    assert guangzhou["level"] == "prefecture"
    assert body["count"] == len(body["items"]) >= 21


def test_a_county_has_no_children(client, db):
    body = client.get("/api/v1/regions/divisions", {"parent": "440106"}).json()

    assert body == {"items": [], "count": 0}


@pytest.mark.parametrize("parent", ["999999", "abc", "4" * 1000, "\u4e2d\u6587", "440000 "])
def test_an_unknown_parent_is_a_coded_400(client, db, parent):
    response = client.get("/api/v1/regions/divisions", {"parent": parent})

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_division"
    assert response.json()["field"] == "parent"


def test_the_error_message_follows_the_language(client, db):
    response = client.get(
        "/api/v1/regions/divisions", {"parent": "999999"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.json()["message"] == "请从列表中选择省、市和区县。"


def test_paste_an_address(client, db):
    response = client.post(
        "/api/v1/regions/addresses/parse",
        {"text": "广东省广州市天河区体育西路 123 号 张三 13912345678"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "province": "广东省",
        "city": "广州市",
        "county": "天河区",
        "county_code": "440106",
        "detail": "体育西路123号",
        "recipient": "张三",
        "phone": "13912345678",
    }


def test_paste_too_long_is_a_coded_400(client, db):
    response = client.post(
        "/api/v1/regions/addresses/parse", {"text": "广" * 301}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_field"


@pytest.mark.parametrize(
    "body",
    ['{"text": 5}', "{}", '{"text": null}', "[]", "not json", '{"text": "a\\u0000b"}'],
)
def test_paste_bad_bodies_are_coded_errors(client, db, body):
    response = client.post("/api/v1/regions/addresses/parse", body, content_type="application/json")

    assert response.status_code in (400, 422)
    assert "code" in response.json()


def test_both_operations_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert "400" in paths["/api/v1/regions/divisions"]["get"]["responses"]
    assert "400" in paths["/api/v1/regions/addresses/parse"]["post"]["responses"]
