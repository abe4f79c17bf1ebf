"""Domain errors; handlers turn each into a translated answer."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Every reason a user's action can be refused. The values are part of the HTTP API: an
    invalid field is named after its code (see bot/http/api.py), so they never change."""

    ERROR = "error"
    ACCESS_DENIED = "access_denied"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    INVALID_INPUT = "invalid_input"
    # Requests and their conversation.
    ALREADY_TAKEN = "already_taken"
    NO_TELEGRAM = "no_telegram"
    EMPTY_REQUEST = "empty_request"
    EMPTY_REPLY = "empty_reply"
    PHONE = "phone"
    LEAD_SOURCE = "lead_source"
    # People.
    INVITE = "invite"
    ALREADY_OWNER = "already_owner"
    ALREADY_MANAGER = "already_manager"
    LANGUAGE = "language"
    MERGE_BOTH_TELEGRAM = "merge_both_telegram"
    MERGE_UNDONE = "merge_undone"
    MERGE_UNDO_EXPIRED = "merge_undo_expired"
    MERGE_UNDO_BLOCKED = "merge_undo_blocked"
    # A deal's card.
    AMOUNT = "amount"
    NEGATIVE_AMOUNT = "negative_amount"
    MEASURES = "measures"
    EMPTY_TEXT = "empty_text"
    DEAL_CLOSED = "deal_closed"
    NOT_CLOSED = "not_closed"
    SAME_STAGE = "same_stage"
    SAME_MANAGER = "same_manager"
    LOST_REASON = "lost_reason"
    STALE_CARD = "stale_card"
    # Stages.
    STAGE_NAME = "stage_name"
    STAGE_FIXED = "stage_fixed"
    STAGE_RESERVES = "stage_reserves"
    # Reminders.
    MOMENT = "moment"
    MOMENT_PAST = "moment_past"
    TASK_DONE = "task_done"
    NOT_IN_TEAM = "not_in_team"
    NOT_ON_DEAL = "not_on_deal"
    TASK_TEXT = "task_text"
    STEP_PASSED = "step_passed"
    # Quick replies.
    REPLY_TITLE = "reply_title"
    REPLY_TEXT = "reply_text"
    REPLY_PLACEHOLDER = "reply_placeholder"
    REPLIES_FULL = "replies_full"
    REPLY_OVER = "reply_over"
    REPLY_AMOUNT = "reply_amount"
    # Contracts.
    CONTRACT_TEXT = "contract_text"
    CONTRACT_DATE = "contract_date"
    CONTRACT_NUMBER = "contract_number"
    CONTRACT_DATES = "contract_dates"
    CONTRACT_SETTLED = "contract_settled"
    # Report settings.
    WORKING_HOURS = "working_hours"
    CLOCK = "clock"
    SLA = "sla"
    # Fields the business defines, and their values.
    FIELD_NAME = "field_name"
    FIELD_CHOICES = "field_choices"
    FIELD_TEXT = "field_text"
    FIELD_NUMBER = "field_number"
    FIELD_DATE = "field_date"
    FIELD_CHOICE = "field_choice"
    FIELD_YES_NO = "field_yes_no"
    FIELD_UNKNOWN = "field_unknown"
    # Who gets a request.
    STRATEGY = "strategy"
    LEVEL = "level"
    CAPACITY = "capacity"
    TAG = "tag"
    # The owner's rules.
    RULE_INVALID = "rule_invalid"
    RULE_NAME = "rule_name"
    RULE_NUMBER = "rule_number"
    RULE_DAYS = "rule_days"
    RULE_TEXT = "rule_text"
    RULE_PLACEHOLDER = "rule_placeholder"
    RULES_FILE = "rules_file"
    # The catalog, a deal's items and discounts.
    PRODUCT_NAME = "product_name"
    PRODUCT_CODE = "product_code"
    CODE_TAKEN = "code_taken"
    PRICE = "price"
    VAT_RATE = "vat_rate"
    STOCK = "stock"
    QUANTITY = "quantity"
    MEASURE_INPUTS = "measure_inputs"
    FORMULA = "formula"
    CATALOG_FILE = "catalog_file"
    DISCOUNT = "discount"
    DISCOUNT_LIMIT = "discount_limit"
    AMOUNT_FROM_ITEMS = "amount_from_items"
    TOO_MANY_ITEMS = "too_many_items"
    MEASURES_NEEDED = "measures_needed"
    BEYOND_STOCK = "beyond_stock"
    # Documents.
    NO_ITEMS = "no_items"
    COMPANY_DETAIL = "company_detail"
    LOGO = "logo"
    DOCUMENT_NOT_READY = "document_not_ready"
    DOCUMENT_REPLACED = "document_replaced"
    PAYMENT_REPEATED = "payment_repeated"
    NOTHING_OWED = "nothing_owed"
    NO_TEMPLATE = "no_template"
    TEMPLATE_FILL = "template_fill"
    DOCUMENT_FAILED = "document_failed"
    DELIVERY = "delivery"
    PROVIDER_TOKEN = "provider_token"
    # A customer's card.
    STALE_CUSTOMER = "stale_customer"
    CUSTOMER_MERGED = "customer_merged"
    EMAIL = "email"
    BIRTHDAY = "birthday"
    CUSTOMER_TEXT = "customer_text"
    CUSTOMER_PHONE = "customer_phone"
    PHONE_ON_CARD = "phone_on_card"
    TOO_MANY_PHONES = "too_many_phones"
    CUSTOMER_FILE = "customer_file"
    # API tokens.
    TOKEN_NAME = "token_name"
    # A typed answer whose question the bot no longer remembers (see handlers/payloads.py).
    STEP_EXPIRED = "step_expired"


class DomainError(Exception):
    """Base of every error a user can cause; `code` picks the message shown. `ends_step`:
    the conversation's step is over with it (set when it is raised), kept past the undoing
    of what the refused action wrote."""

    code: ErrorCode = ErrorCode.ERROR
    ends_step: bool = False

    def __init__(self, code: ErrorCode | None = None) -> None:
        super().__init__(code or self.code)
        if code:
            self.code = code


class AccessDenied(DomainError):
    code = ErrorCode.ACCESS_DENIED


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class Conflict(DomainError):
    code = ErrorCode.CONFLICT


class InvalidInput(DomainError):
    code = ErrorCode.INVALID_INPUT


class FormulaRefused(InvalidInput):
    """A formula that can't be saved: `problem` says why, `detail` names what is wrong in it."""

    code = ErrorCode.FORMULA

    def __init__(self, problem: str, detail: str) -> None:
        super().__init__()
        self.problem = problem
        self.detail = detail


class PlaceholdersUnknown(InvalidInput):
    """A text naming placeholders nobody fills; `names` are they, as written."""

    code = ErrorCode.REPLY_PLACEHOLDER

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names


class FieldRejected(InvalidInput):
    """A field's value that can't be stored; `key` names the field (the HTTP API says it)."""

    def __init__(self, code: ErrorCode, key: str) -> None:
        super().__init__(code)
        self.key = key
