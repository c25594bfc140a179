#!/usr/bin/env python3
"""Writes the example forecasts in forecasts/ (deterministic: fixed seed).

* helsinki-week-48.csv: Mon 2026-11-23 - Sun 2026-11-29, 15-minute intervals, the four channels of
  models/helsinki-multichannel.toml. Weekday morning (about 10:00) and after-lunch (about 13:30) peaks,
  quieter evenings and weekends; e-mail and social media arrive around the clock with an office-hours peak.
* helsinki-dst-week.csv: Mon 2027-03-22 - Sun 2027-03-28, the week Finland moves its clocks forward
  (Sunday 03:00 -> 04:00): that Sunday has 23 hours, 92 quarter hours.
* small-day.csv: one Monday at 60-minute intervals for models/small.toml.

Start times are local wall-clock times (Europe/Helsinki) stepped in real (UTC) time, so the DST day skips
03:00-03:45 rather than inventing them.
"""
import math
import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo('Europe/Helsinki')


def bump(h, centre, width):
    return math.exp(-((h - centre) / width) ** 2)


def voice_shape(h):
    return 0.15 + bump(h, 10.0, 1.4) + 0.8 * bump(h, 13.6, 1.3) + 0.35 * bump(h, 17.0, 1.6)


def chat_shape(h):
    return 0.2 + 0.8 * bump(h, 10.5, 1.8) + 0.9 * bump(h, 14.0, 1.8)


def arrival_shape(h):  # e-mail and social media: around the clock, office-hours peak
    return 0.12 + bump(h, 9.5, 2.0) + 0.7 * bump(h, 14.0, 2.5) + 0.3 * bump(h, 20.0, 2.0)


# Daily totals by weekday (Mon..Sun).
DAILY = {
    'voice': [2600, 2300, 2150, 2100, 1950, 620, 0],
    'chat': [900, 820, 800, 780, 720, 260, 0],
    'email': [700, 560, 520, 500, 480, 180, 160],
    'social': [180, 150, 150, 140, 150, 120, 130],
}
OPEN = {  # local opening hours per weekday (Mon..Sun), for shaping only; the model decides.
    'voice': [(8, 20)] * 5 + [(10, 16), None],
    'chat': [(8, 18)] * 5 + [(10, 16), None],
    'email': [(0, 24)] * 7,
    'social': [(0, 24)] * 7,
}
SHAPE = {'voice': voice_shape, 'chat': chat_shape, 'email': arrival_shape, 'social': arrival_shape}


def local_starts(first_day, days, minutes):
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=HELSINKI).astimezone(timezone.utc)
    end = (datetime(first_day.year, first_day.month, first_day.day, tzinfo=HELSINKI) + timedelta(days=days))
    end = end.replace(tzinfo=HELSINKI).astimezone(timezone.utc)
    t = start
    while t < end:
        yield t.astimezone(HELSINKI)
        t += timedelta(minutes=minutes)


def week(first_day, minutes, channels, rng, closed_dates=()):
    rows = []
    starts = list(local_starts(first_day, 7, minutes))
    for channel in channels:
        by_day = {}
        for s in starts:
            by_day.setdefault(s.date(), []).append(s)
        for date, day_starts in by_day.items():
            wd = date.weekday()
            total = DAILY[channel][wd]
            hours = OPEN[channel][wd]
            if date.isoformat() in closed_dates and channel in ('voice', 'chat'):
                hours = None
            weights = []
            for s in day_starts:
                h = s.hour + s.minute / 60 + minutes / 120
                inside = hours is not None and hours[0] <= s.hour + s.minute / 60 < hours[1]
                weights.append(SHAPE[channel](h) if inside else 0.0)
            norm = sum(weights) or 1.0
            for s, w in zip(day_starts, weights):
                mean = total * w / norm
                volume = max(0, round(rng.gauss(mean, math.sqrt(mean)))) if mean > 0 else 0
                rows.append((channel, s.strftime('%Y-%m-%dT%H:%M'), volume))
    return rows


def write(path, rows, aht_column=False):
    with open(path, 'w') as f:
        f.write('channel,start,volume\n')
        for channel, start, volume in rows:
            f.write(f'{channel},{start},{volume}\n')


def main():
    rng = random.Random(48)
    write('forecasts/helsinki-week-48.csv',
          week(datetime(2026, 11, 23), 15, ['voice', 'chat', 'email', 'social'], rng))
    rng = random.Random(13)
    write('forecasts/helsinki-dst-week.csv',
          week(datetime(2027, 3, 22), 15, ['voice', 'chat', 'email', 'social'], rng))
    rng = random.Random(1)
    rows = []
    for channel, total in (('voice', 400), ('email', 120)):
        for h in range(24):
            inside = 8 <= h < 16
            mean = total * (voice_shape(h + 0.5) if channel == 'voice' else arrival_shape(h + 0.5)) / 7.5
            volume = round(mean) if (inside or channel == 'email') else 0
            rows.append((channel, f'2026-11-23T{h:02d}:00', volume))
    write('forecasts/small-day.csv', rows)


if __name__ == '__main__':
    main()
