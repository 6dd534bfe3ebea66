"""What every dashboard form shares: one way to render a field, one way to take BrightStar's refusals."""

from typing import Any, Protocol

from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html
from django.utils.safestring import SafeString

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


# Django's one-tag input templates (input.html and its attrs.html), written here as Python: each
# took two trips through the template engine for one <input>, a good part of a form page's render.
# tests/dashboard/test_forms_render.py holds them to Django's templates, byte for byte.
_INPUT_TYPES = ("input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search")
DIRECT_INPUTS = frozenset(f"django/forms/widgets/{name}.html" for name in (*_INPUT_TYPES, "tel", "color"))


def render_input(widget: dict[str, Any]) -> SafeString:
    """django/forms/widgets/input.html, as Django's template renders it."""
    html = format_html('<input type="{}" name="{}"', widget["type"], widget["name"])
    if widget["value"] is not None:
        html += format_html(' value="{}"', widget["value"])
    for name, value in widget["attrs"].items():
        if value is not False:
            html += format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
    return format_html("{}>", html)  # html is safe already: every part went through format_html


class Renderer(TemplatesSetting):
    """The project's templates first, so `as_field_group` uses templates/components/field.html."""

    field_template_name = "components/field.html"

    def render(self, template_name, context, request=None):
        if template_name in DIRECT_INPUTS:
            return render_input(context["widget"])
        return super().render(template_name, context, request=request)
