"""Where the elections app reads the time: the install's one clock (mutualise/clock.py), so a
demo clock moves an election's timetable too. Tests replace `now` here to run a timetable months
long in minutes."""

from mutualise import clock


def now():
    return clock.now()
