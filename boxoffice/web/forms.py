"""What every dashboard form shares."""

from boxoffice.brightstar.errors import BrightStarError
from boxoffice.web.feedback import describe, field_message


class ApiErrorsMixin:
    """Put BrightStar's refusal on the field it names, or on the form as a whole.

    `api_fields` maps the API's field names to this form's; a refusal naming
    another field (or none) goes to the form's non-field errors.
    """

    api_fields: dict[str, str] = {}

    def api_error(self, error: BrightStarError, **data) -> None:
        field = self.api_fields.get(error.field or "")
        message = field_message(error, **data) if field else describe(error, **data)
        self.add_error(field, message)
