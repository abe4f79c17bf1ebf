"""Every button of deal cards, lists and the stage editor fits Telegram's 64-byte limit."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from enum import Enum
from typing import Any

import pytest
from aiogram.filters.callback_data import CallbackData

import presentation
from presentation.deals import callbacks as deal_callbacks
from services.ids import MAX_ID

LIMIT = 64


def defined() -> list[type[CallbackData]]:
    return [
        cls
        for _, cls in inspect.getmembers(deal_callbacks, inspect.isclass)
        if issubclass(cls, CallbackData) and cls.__module__ == deal_callbacks.__name__
    ]


def widest(cls: type[CallbackData]) -> list[CallbackData]:
    """One instance per value of each enum field, every other field at its widest."""
    values: dict[str, list[Any]] = {}
    for name, field in cls.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, Enum):
            values[name] = list(kind)
        elif kind is bool:
            values[name] = [True]
        else:
            assert kind is int, (cls, name, kind)
            values[name] = [MAX_ID, 0]
    instances = [{}]
    for name, options in values.items():
        instances = [{**partial, name: option} for partial in instances for option in options]
    return [cls(**fields) for fields in instances]


def test_every_deal_callback_class_is_checked() -> None:
    names = {cls.__name__ for cls in defined()}
    assert names == {"CardCb", "DealCb", "DealListCb", "DealOpenCb", "ItemCb", "StageCb"}


@pytest.mark.parametrize("cls", defined(), ids=lambda cls: cls.__name__)
def test_callback_data_fits_64_bytes_with_maximal_ids(cls: type[CallbackData]) -> None:
    packed = [instance.pack() for instance in widest(cls)]
    assert packed
    longest = max(packed, key=lambda data: len(data.encode()))
    assert len(longest.encode()) <= LIMIT, longest
    assert cls.unpack(longest).pack() == longest


def test_prefixes_are_unique_across_the_bot() -> None:
    """Every button's data in every module of presentation/: two features sharing a prefix
    would read each other's presses."""
    classes = {
        cls
        for info in pkgutil.walk_packages(presentation.__path__, "presentation.")
        for _, cls in inspect.getmembers(importlib.import_module(info.name), inspect.isclass)
        if issubclass(cls, CallbackData) and cls is not CallbackData
    }
    assert {"CardCb", "CatalogCb", "ContractCb", "ItemCb"} <= {cls.__name__ for cls in classes}
    prefixes = sorted(cls.__prefix__ for cls in classes)
    assert len(prefixes) == len(set(prefixes)), prefixes
