"""What every dashboard form shares: one way to render a field, one way to take BrightStar's refusals."""

from typing import Any, Protocol

from django.forms.renderers import TemplatesSetting

from boxoffice.brightstar.errors import BrightStarError
from boxoffice.web.feedback import describe, field_message


class _Form(Protocol):
    """What the mixin needs of the Django form it is mixed into."""

    api_fields: dict[str, str]

    def add_error(self, field: str | None, error: str) -> None: ...


class ApiErrorsMixin:
    """Put BrightStar's refusal on the field it names, or on the form as a whole.

    `api_fields` maps the API's field names to this form's; a refusal naming
    another field (or none) goes to the form's non-field errors.
    """

    api_fields: dict[str, str] = {}

    def api_error(self: _Form, error: BrightStarError, **data: Any) -> None:
        field = self.api_fields.get(error.field or "")
        message = field_message(error, **data) if field else describe(error, **data)
        self.add_error(field, message)


class Renderer(TemplatesSetting):
    """The project's templates first, so `as_field_group` uses templates/components/field.html."""

    field_template_name = "components/field.html"
