"""Checks and converts method parameters against the spec, with Telegram's error wording."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ApiError, bad_request
from .rules import TYPE_RULES, missing_field_message
from .spec import ApiSpec, Method, TypeSpec

_INTEGER = re.compile(r"-?\d+")
_MISSING = object()
_HUMAN_FIELDS = {"reply_markup": "reply keyboard markup"}
# Deprecated parameters that Telegram still honours on methods that take reply_parameters.
_LEGACY = {
    "reply_to_message_id": ("Integer",),
    "allow_sending_without_reply": ("Boolean",),
    "disable_web_page_preview": ("Boolean",),
}
# Required fields where an empty string is a value: setWebhook with url "" deletes the webhook.
_EMPTY_ALLOWED = frozenset({("setWebhook", "url")})


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request."""

    data: bytes
    filename: str
    content_type: str

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


class _Final(ApiError):
    """A refusal already in Telegram's final words (one made after parsing, or a union's own
    parse error), never wrapped as a result's parse error."""


# Unions whose parse errors Telegram reports under the union's name, whatever the variant.
_WRAPPED = {"InlineQueryResult": "inline query result"}
_UNSUPPORTED = {"InlineQueryResult": 'type "{value}" is unsupported for the inline query result'}
_NO_VARIANT = {"InputMessageContent": "Input message content is not specified"}
_OTHER_MARKUP = frozenset({"keyboard", "remove_keyboard", "hide_keyboard", "force_reply"})
# Errors of Telegram's servers (RESULT_ID_DUPLICATE...) come after parsing, as they are.
_SERVER_ERROR = re.compile(r"[A-Z0-9_]+")


def _wrapped(spec: TypeSpec, error: ApiError) -> ApiError:
    """An error inside a result, as Telegram words it: 'can't parse inline query result: '
    and the inner reason, capitalised, without its own variant's name."""
    reason = error.description.removeprefix("Bad Request: ")
    if _SERVER_ERROR.fullmatch(reason):
        return error
    for name in (*spec.subtypes, spec.name):
        reason = reason.removeprefix(f"can't parse {human(name)}: ")
    return bad_request(f"can't parse {_WRAPPED[spec.name]}: {reason[:1].upper()}{reason[1:]}")


def _reply_markup(value: dict[str, Any]) -> bool:
    """A reply keyboard, its removal or a forced reply where only an inline keyboard goes."""
    return "inline_keyboard" not in value and bool(_OTHER_MARKUP.intersection(value))


def human(type_name: str) -> str:
    """'InlineKeyboardButton' -> 'inline keyboard button', as in Telegram's messages."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", type_name).lower()


def _kind(type_name: str) -> str:
    if type_name in ("Integer", "Float"):
        return "a Number"
    if type_name.startswith("Array of"):
        return "of type Array"
    if type_name in ("String", "Boolean", "InputFile"):
        return f"of type {type_name}"
    return "of type Object"


class _Conversion:
    def __init__(self, spec: ApiSpec, uploads: Mapping[str, Upload]) -> None:
        self.spec = spec
        self.uploads = uploads

    def fail(self, owner: str | None, field: str, type_name: str) -> ApiError:
        if owner is None:
            return bad_request(f'field "{field}" must be {_kind(type_name)}')
        return bad_request(
            f'can\'t parse {human(owner)}: Field "{field}" must be {_kind(type_name)}'
        )

    def decode(self, value: Any, field: str, top: bool) -> Any:
        if not (top and isinstance(value, str)):
            return value
        try:
            return json.loads(value)
        except ValueError:
            name = _HUMAN_FIELDS.get(field, field.replace("_", " "))
            raise bad_request(f"can't parse {name} JSON object") from None

    def convert(
        self, types: tuple[str, ...], value: Any, owner: str | None, field: str, top: bool
    ) -> Any:
        if "InputFile" in types and isinstance(value, str) and value.startswith("attach://"):
            return self.scalar("InputFile", value, owner, field)
        objects = self.spec.objects_in(types)
        if len(types) > 1 and len(objects) == len(types):
            return self.pick_object(objects, value, owner, field, top)
        first_error: ApiError | None = None
        for type_name in types:
            try:
                return self.one(type_name, value, owner, field, top)
            except ApiError as error:
                first_error = first_error or error
        assert first_error is not None
        raise first_error

    def pick_object(
        self, candidates: tuple[str, ...], value: Any, owner: str | None, field: str, top: bool
    ) -> Any:
        value = self.decode(value, field, top)
        if not isinstance(value, dict):
            if field == "reply_markup":
                raise bad_request("object expected as reply markup")
            raise self.fail(owner, field, candidates[0])
        for name in candidates:
            required = self.spec.types[name].required
            if required and required.issubset(value):
                return self.obj(name, value, owner, field, False)
        name = _HUMAN_FIELDS.get(field, field.replace("_", " "))
        raise bad_request(f"can't parse {name} JSON object")

    def one(self, type_name: str, value: Any, owner: str | None, field: str, top: bool) -> Any:
        if type_name.startswith("Array of "):
            return self.array(type_name, value, owner, field, top)
        if type_name in self.spec.types and type_name != "InputFile":
            return self.obj(type_name, value, owner, field, top)
        return self.scalar(type_name, value, owner, field)

    def array(self, type_name: str, value: Any, owner: str | None, field: str, top: bool) -> Any:
        value = self.decode(value, field, top)
        if not isinstance(value, list):
            raise self.fail(owner, field, type_name)
        inner = type_name[len("Array of ") :]
        if inner.startswith("Array of ") and not all(isinstance(row, list) for row in value):
            raise bad_request(f'field "{field}" of the {owner} should be an Array of Arrays')
        return [self.one(inner, item, owner, field, False) for item in value]

    def obj(self, type_name: str, value: Any, owner: str | None, field: str, top: bool) -> Any:
        value = self.decode(value, field, top)
        if type_name == "KeyboardButton" and isinstance(value, str):
            value = {"text": value}
        if not isinstance(value, dict):
            raise self.fail(owner, field, type_name)
        if type_name == "InlineKeyboardMarkup" and _reply_markup(value):
            # tdlib's refusal of other markup where only an inline keyboard goes.
            raise _Final(400, "Bad Request: inline keyboard expected")
        spec = self.spec.types[type_name]
        if type_name not in _WRAPPED:
            return self.fields(spec, value)
        try:
            return self.fields(spec, value)
        except _Final:
            raise
        except ApiError as error:
            raise _wrapped(spec, error) from None

    def fields(self, spec: TypeSpec, value: dict[str, Any]) -> dict[str, Any]:
        if spec.subtypes:
            spec = self.subtype(spec, value)
        result: dict[str, Any] = {}
        for item in spec.fields:
            raw = value.get(item.name, _MISSING)
            if raw is _MISSING:
                if item.required:
                    raise bad_request(
                        f"can't parse {human(spec.name)}: Can't find field \"{item.name}\""
                    )
                continue
            result[item.name] = self.convert(item.types, raw, spec.name, item.name, False)
        rule = TYPE_RULES.get(spec.name)
        if rule is not None:
            rule(result)
        return result

    def subtype(self, spec: TypeSpec, value: dict[str, Any]) -> TypeSpec:
        variants = [self.spec.types[name] for name in spec.subtypes if name in self.spec.types]
        keyed = [(v, v.discriminator) for v in variants if v.discriminator]
        if not keyed:
            return self.by_fields(spec, variants, value)
        key = keyed[0][1][0]
        if key not in value:
            raise bad_request(f"can't parse {human(spec.name)}: Can't find field \"{key}\"")
        matching = [v for v, (_, kind) in keyed if kind == value[key]]
        if not matching:
            reason = _UNSUPPORTED.get(spec.name, "unsupported {key} {value!r}")
            reason = reason.format(key=key, value=value[key])
            raise _Final(400, f"Bad Request: can't parse {human(spec.name)}: {reason}")
        # Variants sharing a type (a photo by URL or by file_id) are told apart by the
        # fields only one of them requires, then by the fewest required fields missing.
        common = frozenset.intersection(*(v.required for v in matching))
        present = value.keys()
        return min(
            matching,
            key=lambda v: (-len((v.required - common) & present), len(v.required - present)),
        )

    def by_fields(
        self, spec: TypeSpec, variants: list[TypeSpec], value: dict[str, Any]
    ) -> TypeSpec:
        """A union told apart only by its fields (InputMessageContent): the variant with the
        most required fields, all given; an empty string counts as not given."""
        given = {key for key, item in value.items() if item not in ("", None)}
        fitting = [v for v in variants if v.required and v.required <= given]
        if not fitting:
            reason = _NO_VARIANT.get(spec.name, f"can't parse {human(spec.name)} JSON object")
            raise bad_request(reason)
        return max(fitting, key=lambda v: len(v.required))

    def scalar(self, type_name: str, value: Any, owner: str | None, field: str) -> Any:
        if type_name == "InputFile":
            if isinstance(value, Upload):
                return value
            if isinstance(value, str) and value.startswith("attach://"):
                upload = self.uploads.get(value[len("attach://") :])
                if upload is None:
                    raise bad_request("can't find attached file")
                return upload
        elif type_name == "Integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
                return int(value)
        elif type_name == "Float":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
            if isinstance(value, str):
                try:
                    return float(value)
                except ValueError:
                    pass
        elif type_name == "String":
            if isinstance(value, str):
                return value
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
        elif type_name == "Boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
            if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
                return value.lower() in ("true", "1")
        raise self.fail(owner, field, type_name)


class Validator:
    """Validates a whole call: required fields, types (recursively) and per-type rules."""

    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec

    def call(
        self, method: Method, raw: Mapping[str, Any], uploads: Mapping[str, Upload]
    ) -> dict[str, Any]:
        conversion = _Conversion(self.spec, uploads)
        params: dict[str, Any] = {}
        for field in method.fields:
            value = raw.get(field.name)
            if value is None and "InputFile" in field.types:
                value = uploads.get(field.name)
            if value is None or (value == "" and (method.name, field.name) not in _EMPTY_ALLOWED):
                if field.required:
                    raise bad_request(missing_field_message(field.name))
                continue
            params[field.name] = conversion.convert(field.types, value, None, field.name, True)
        if any(field.name == "reply_parameters" for field in method.fields):
            for name, types in _LEGACY.items():
                if raw.get(name) not in (None, ""):
                    params[name] = conversion.convert(types, raw[name], None, name, True)
        return params
