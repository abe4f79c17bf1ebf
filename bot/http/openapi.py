"""The OpenAPI 3.1 document, generated from ENDPOINTS and the pydantic models the handlers
validate with."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from bot.http.api import ENDPOINTS
from bot.http.schemas import Health
from services.ids import MAX_ID

REF = "#/components/schemas/{model}"


def _ref(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template=REF)
    for name, nested in schema.pop("$defs", {}).items():
        schemas[name] = nested
    schemas[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def _json(description: str, model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(model, schemas)}},
    }


def document() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {
        "/healthz": {
            "get": {
                "summary": "Whether the service, its database and Redis (when set) answer",
                "security": [],
                "responses": {
                    "200": _json("Up", Health, schemas),
                    "503": _json("The database or Redis does not answer", Health, schemas),
                },
            }
        }
    }
    for endpoint in ENDPOINTS:
        operation: dict[str, Any] = {
            "summary": endpoint.summary,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref(endpoint.body, schemas)}},
            },
            "responses": {
                str(status): _json(description, model, schemas)
                for status, (description, model) in sorted(endpoint.answers.items())
            },
        }
        if "{deal_id}" in endpoint.path:
            deal_id = {"type": "integer", "minimum": 1, "maximum": MAX_ID, "examples": [1]}
            operation["parameters"] = [
                {"name": "deal_id", "in": "path", "required": True, "schema": deal_id}
            ]
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Axın HTTP API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
