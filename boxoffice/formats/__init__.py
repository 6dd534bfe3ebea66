"""The dashboard's date and time formats per language (settings.FORMAT_MODULE_PATH).

Templates name a format (`|date:"DATETIME_FORMAT"`), never spell one, so each
language writes dates its own way; what is not set here comes from Django's
own locale formats. Times are shown in the event's time zone by the template
({% timezone event.timezone %}), with its abbreviation (T) beside them.
"""
