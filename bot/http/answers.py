"""The API's answers: a model as JSON, or a problem naming the field it is about."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel

from bot.http.schemas import Problem


def problem(status: int, error: str, message: str, field_name: str | None = None) -> web.Response:
    body = Problem(error=error, field=field_name, message=message)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return web.json_response(body.model_dump(mode="json"), status=status, headers=headers)


def answer(model: BaseModel, status: int) -> web.Response:
    return web.json_response(model.model_dump(mode="json"), status=status)
