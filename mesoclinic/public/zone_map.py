"""Where each zone's numbered marker sits on its region's drawing (``_region_map.html``).

The drawings are the project's own, in a 200 x 240 box; the numbers match the checkbox labels
beside them, so the map needs no script and works with a finger. A zone without a position here
is listed without a marker.
"""

from __future__ import annotations

from functools import cache

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from mesoclinic.public.forms import zone_groups

MARKERS: dict[str, tuple[int, int]] = {
    # face, seen from the front
    "forehead": (100, 48),
    "glabella": (100, 82),
    "temples": (46, 78),
    "periorbital_lateral": (150, 100),
    "infraorbital": (72, 118),
    "eyelids": (128, 88),
    "nose": (100, 124),
    "cheeks": (146, 138),
    "nasolabial": (74, 150),
    "perioral": (126, 170),
    "chin": (100, 198),
    "jawline": (58, 180),
    "submental": (100, 226),
    # scalp, seen from above
    "scalp": (100, 110),
    # neck and chest
    "neck": (100, 60),
    "decolletage": (100, 160),
    # hand, back
    "hands": (100, 150),
    # body, from the front
    "abdomen": (100, 112),
    "flanks": (64, 104),
    "thighs": (82, 178),
    "buttocks": (136, 148),
    "upper_arms": (38, 70),
}


@cache
def region_drawings() -> dict[str, SafeString]:
    """Each region's drawing with its numbered markers, rendered once per process: it depends
    only on the knowledge base's zones and this table. Which areas are ticked is shown on it by
    ``public/start.js`` (the checkboxes say it without the script)."""
    drawings = {}
    for region, _, zones in zone_groups():
        rows = [
            (number, code, *MARKERS.get(code, (None, None)))
            for number, (code, _) in enumerate(zones, start=1)
        ]
        drawings[region] = SafeString(
            render_to_string("public/_region_map.html", {"region": region, "zones": rows})
        )
    return drawings
