"""The inputs the form renderer writes itself are exactly what Django's own templates write."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from boxoffice.web.forms import DIRECT_INPUTS, Renderer


class Everything(forms.Form):
    title = forms.CharField(max_length=200, help_text="As on the tickets")
    price = forms.DecimalField(min_value=0, decimal_places=2, widget=forms.NumberInput(attrs={"step": "0.01"}))
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"autocomplete": "off", "autofocus": True}))
    url = forms.URLField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    key = forms.CharField(widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "disabled": False}))
    at = forms.DateTimeField(required=False)
    time = forms.TimeField(required=False)
    q = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": 'a "quote" & <tag>'})
    )
    tel = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    colour = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "color"}))


DATA = {
    "title": '<script>alert("x")</script> & Co',
    "price": "12.50",
    "email": "ada@example.com",
    "secret": "p&ss<",
    "key": "k-1",
    "day": "2026-06-14",
    "q": "O'Brien",
    "colour": mark_safe("#ff0000"),  # a value already marked safe stays as it is, as in the template
}


@pytest.mark.parametrize("data", [DATA, {}, None], ids=["bound", "empty", "unbound"])
def test_each_input_renders_as_djangos_templates_render_it(data):
    ours, django = Renderer(), TemplatesSetting()
    form = Everything(data) if data is not None else Everything(initial={"title": "Gala & <b>", "price": 3})
    if data is not None:
        form.is_valid()  # errors add aria-invalid
    checked = set()
    for field in form:
        context = field.field.widget.get_context(field.html_name, field.value(), field.build_widget_attrs({}))
        name = field.field.widget.template_name
        assert ours.render(name, context) == django.render(name, context)
        checked.add(name)
    assert checked <= DIRECT_INPUTS and len(checked) >= 6


class ThroughTemplates(TemplatesSetting):
    field_template_name = Renderer.field_template_name


@pytest.mark.parametrize("data", [DATA, {}], ids=["bound", "empty"])
def test_whole_field_groups_render_as_through_the_templates(data):
    ours, theirs = Everything(data, renderer=Renderer()), Everything(data, renderer=ThroughTemplates())
    ours.is_valid(), theirs.is_valid()
    for name in Everything.base_fields:
        assert ours[name].as_field_group() == theirs[name].as_field_group()


def test_a_widget_it_does_not_write_still_goes_through_the_templates():
    ours = Renderer()
    select = forms.Select(choices=[("a", "A & B")])
    assert "<select" in ours.render(select.template_name, select.get_context("s", "a", {}))
