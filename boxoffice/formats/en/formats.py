# The box office's English: day before month, 24-hour clock, the zone named (a tour crosses zones).
DATE_FORMAT = "D j M Y"
TIME_FORMAT = "H:i T"
DATETIME_FORMAT = "D j M Y, H:i T"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i T"
