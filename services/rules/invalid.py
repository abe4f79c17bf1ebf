"""A rule refused: which part, and what is wrong with it."""

from __future__ import annotations

from services.errors import ErrorCode, InvalidInput


class RuleInvalid(InvalidInput):
    """`where` names the part ("then.2.stage"), `problem` what is wrong with it."""

    code = ErrorCode.RULE_INVALID

    def __init__(self, where: str, problem: str) -> None:
        super().__init__()
        self.where = where
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"
