"""Where each zone's numbered marker sits on its region's drawing (``_region_map.html``).

The drawings are the project's own, in a 200 x 240 box; the numbers match the checkbox labels
beside them, so the map needs no script and works with a finger. A zone without a position here
is listed without a marker.
"""

from __future__ import annotations

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
