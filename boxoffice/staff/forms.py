from django.contrib.auth.forms import AuthenticationForm


class StaffLoginForm(AuthenticationForm):
    """Django's login form, with the username's length actually enforced.

    AuthenticationForm sets max_length after the field is built, so no
    validator checks it; an overlong name would reach authenticate() and the
    lockout records (django-axes), whose column PostgreSQL keeps to 255.
    """

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        limit = getattr(self.fields["username"], "max_length", None)
        if limit is not None and len(username) > limit:
            raise self.get_invalid_login_error()
        return super().clean()
