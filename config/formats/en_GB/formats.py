# British English as Parley has always written it: "27 November 2026" and "27 November 2026,
# 09:30" (Django's en_GB abbreviates the month and writes the time as "9:30 a.m.").
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
