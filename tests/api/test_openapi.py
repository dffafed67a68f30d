"""The OpenAPI document a generated client relies on: one schema per name, the answers each
operation can give (errors included), and photos described as the catalog sends them."""

import typing
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

from xiangcun.api import api


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api.get_openapi_schema()


def _models(annotation: Any, found: dict[str, set[type]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found.setdefault(annotation.__name__, set()):
            return
        found[annotation.__name__].add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models(argument, found)


def test_no_two_schemas_share_a_name():
    # The document keys schemas by class name: two classes of one name leave one of them
    # describing the other's answers (catalog photos were described as shop photos).
    found: dict[str, set[type]] = {}
    routers = [router for _prefix, router in api._routers]
    while routers:
        router = routers.pop()
        # An app's router may mount routers of its own (finance, servicecenter).
        routers.extend(entry[1] for entry in router._routers)
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in [*operation.response_models.values(), *operation.models]:
                    if isinstance(model, type):
                        _models(model, found)
    shared = {
        name: sorted(cls.__module__ for cls in classes)
        for name, classes in found.items()
        if len(classes) > 1 and not name.startswith("Ninja") and not name.endswith("Params")
    }

    assert shared == {}


def test_every_operation_documents_its_error_answers(document):
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = {str(status): answer for status, answer in operation["responses"].items()}
            expected = {"400", "403", "404", "409", "422", "429"}
            if operation.get("security"):
                expected.add("401")
            assert expected <= set(responses), (method, path, sorted(responses))
            for status in expected:
                assert responses[status]["content"]["application/json"]["schema"] == error


def _validator(document: dict[str, Any], name: str) -> jsonschema.Validator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


def test_catalog_photos_and_villages_are_described_as_sent(document):
    photo = {
        "id": 7,
        "image": "/media/p/7.jpg",
        "thumbnail": "/media/p/7-t.webp",
        "medium": "/media/p/7-m.webp",
        "width": 800,
        "height": 600,
        "alt": "稻花鱼",
    }
    village = {
        "code": "522636101201",
        "name": "石桥村",
        "name_en": "Shiqiao",
        "township": "南皋乡",
        "township_code": "522636101",
    }
    detail_schema = document["components"]["schemas"]["ProductDetailOut"]["properties"]

    assert not list(_validator(document, "ProductPhotoOut").iter_errors(photo))
    assert not list(_validator(document, "OriginVillageOut").iter_errors(village))
    assert "ProductPhotoOut" in str(detail_schema["photos"])
    assert "OriginVillageOut" in str(detail_schema["origin_village"])
