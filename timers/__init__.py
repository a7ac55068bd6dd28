"""Timers in one home: ``sweep.py`` fires due instances and timer starts (then delivers thrown
messages); ``scheduler.py`` is the in-app tick that drains them on an APScheduler interval. Both use
the engine's public API only (runtime, queries, access, errors, models); web/timers.py keeps just the
Flask wiring (settings, the app context, the ``flask timers sweep`` command). Timer start events
themselves are the engine's (engine/timer_starts.py)."""
