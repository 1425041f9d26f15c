"""``python -m mesoclinic.planning [FILE|-] [--json]``: the same as ``mesoclinic plan``."""

from __future__ import annotations

from mesoclinic.planning.cli import main

raise SystemExit(main())
