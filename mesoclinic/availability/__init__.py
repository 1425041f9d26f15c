"""The availability engine: working hours, exceptions and busy times -> free slots and courses.

Pure Python, sans I/O: it imports nothing of Django or of the rest of Mesoclinic (a test
enforces it). Frozen values in (``model``), slots out; ``AvailabilityError`` for bad input.

- ``free_slots(query)`` (``slots.py``): every free slot in a window of local dates.
- ``place_course(query)`` (``course.py``): N sessions D days apart within T days of each ideal date.
- ``Busy.of(intervals)`` (``intervals.py``): a resource's busy time, sorted and merged once so
  that each query reads only its window.
"""
