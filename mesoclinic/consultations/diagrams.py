"""The zone map's drawings: four stylised diagrams, one shape per contract zone code.

Geometry is data. Each zone is ONE SVG element carrying ``data-zone`` (a ``path`` or an
``ellipse``), so a script or a test finds a zone by ``[data-zone=code]`` alone and a click on
that element's centre lands on the zone. A bilateral zone (cheeks, temples, hands...) draws its
other side as a ``mirror``: a second element marked ``data-zone-mirror``, painted and toggled
with the first, hidden from assistive technology so each zone is announced once.

Each diagram has two view boxes: ``crop`` frames the drawing for picking zones (larger shapes,
44 px targets on a tablet), ``full`` adds a column either side for plan labels.
``anchor`` is where a label's leader line meets the zone, and ``side`` which column it goes to.

Which diagram a zone belongs to comes from the knowledge base (``Zone.diagram``); a test checks
that every knowledge zone has a shape here on that diagram.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal


@dataclass(frozen=True)
class Shape:
    tag: Literal["path", "ellipse"]
    attrs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ZoneShape:
    zone: str
    shape: Shape
    anchor: tuple[float, float]
    side: Literal["left", "right"]
    mirror: Shape | None = None


@dataclass(frozen=True)
class Diagram:
    code: str
    title: str
    crop: str
    full: str
    label_left_x: float  # the right edge of the left label column
    label_right_x: float  # the left edge of the right label column
    decorations: tuple[Shape, ...]
    zones: tuple[ZoneShape, ...]
    features: tuple[Shape, ...] = ()  # drawn over the zones, ignoring pointers


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> Shape:
    return Shape("ellipse", (("cx", str(cx)), ("cy", str(cy)), ("rx", str(rx)), ("ry", str(ry))))


def _pair(cx: float, cy: float, rx: float, ry: float) -> tuple[Shape, Shape]:
    """An ellipse on the image's left and its mirror image about x = 300."""
    return _ellipse(cx, cy, rx, ry), _ellipse(600 - cx, cy, rx, ry)


def _path(d: str) -> Shape:
    return Shape("path", (("d", d),))


def _line(d: str) -> Shape:
    """An open stroke (brows, shoulders): drawn, never filled."""
    return Shape("path", (("d", d), ("class", "line")))


def _feature(shape: Shape) -> Shape:
    """Eyes and mouth: drawn darker, and never in the way of a tap (the CSS says so)."""
    return Shape(shape.tag, (*shape.attrs, ("class", "feature")))


def _zone(
    zone: str,
    shape: Shape | tuple[Shape, Shape],
    anchor: tuple[float, float],
    side: Literal["left", "right"],
) -> ZoneShape:
    if isinstance(shape, tuple):
        return ZoneShape(zone=zone, shape=shape[0], anchor=anchor, side=side, mirror=shape[1])
    return ZoneShape(zone=zone, shape=shape, anchor=anchor, side=side)


_FACE = Diagram(
    code="face_front",
    title="Face and neck, front",
    crop="150 40 300 450",
    full="-110 40 820 450",
    label_left_x=150,
    label_right_x=450,
    decorations=(
        _ellipse(300, 225, 130, 175),
        _ellipse(168, 215, 12, 30),
        _ellipse(432, 215, 12, 30),
        _line("M228,148 Q255,136 284,146 M316,146 Q345,136 372,148"),
        _line("M252,478 Q205,484 170,500 M348,478 Q395,484 430,500"),
    ),
    zones=(
        _zone(
            "forehead",
            _path(
                "M205,140 C210,98 248,72 300,72 C352,72 390,98 395,140 "
                "C360,132 330,130 300,131 C270,130 240,132 205,140 Z"
            ),
            (250, 104),
            "left",
        ),
        _zone("neck", _path("M256,424 L344,424 L348,478 L252,478 Z"), (340, 450), "right"),
        _zone("temples", _pair(200, 150, 17, 28), (190, 150), "left"),
        _zone(
            "jawline",
            (
                _path("M174,268 Q182,342 246,394 L266,376 Q222,336 204,266 Z"),
                _path("M426,268 Q418,342 354,394 L334,376 Q378,336 396,266 Z"),
            ),
            (200, 330),
            "left",
        ),
        _zone("cheeks", _pair(228, 262, 34, 28), (212, 268), "left"),
        _zone("perioral", _ellipse(300, 324, 44, 24), (262, 332), "left"),
        _zone(
            "nasolabial",
            (
                _path("M270,270 Q252,296 262,326 L280,320 Q272,296 288,276 Z"),
                _path("M330,270 Q348,296 338,326 L320,320 Q328,296 312,276 Z"),
            ),
            (336, 298),
            "right",
        ),
        _zone("glabella", _ellipse(300, 158, 22, 18), (318, 158), "right"),
        _zone("periorbital_lateral", _pair(214, 194, 13, 20), (205, 200), "left"),
        _zone("eyelids", _pair(255, 188, 27, 15), (345, 182), "right"),
        _zone("infraorbital", _pair(255, 218, 26, 12), (255, 226), "left"),
        _zone("nose", _path("M289,178 L311,178 L326,262 Q300,276 274,262 Z"), (318, 230), "right"),
        _zone("chin", _ellipse(300, 372, 34, 20), (322, 374), "right"),
        _zone("submental", _ellipse(300, 408, 42, 14), (270, 410), "left"),
    ),
    features=(
        _feature(_ellipse(255, 190, 16, 6)),
        _feature(_ellipse(345, 190, 16, 6)),
        _feature(_path("M280,324 Q300,334 320,324 Q300,318 280,324 Z")),
    ),
)

_SCALP = Diagram(
    code="scalp_top",
    title="Scalp, from above (face at the top)",
    crop="150 0 300 340",
    full="-110 0 820 340",
    label_left_x=150,
    label_right_x=450,
    decorations=(
        _ellipse(300, 178, 118, 148),
        _path("M288,32 L300,12 L312,32 Z"),
        _ellipse(180, 182, 10, 26),
        _ellipse(420, 182, 10, 26),
    ),
    zones=(_zone("scalp", _ellipse(300, 180, 104, 132), (360, 150), "right"),),
)

_SILHOUETTE = (
    _ellipse(300, 52, 30, 36),
    _path(
        "M282,86 L318,86 L322,104 Q372,108 384,130 L404,270 L420,330 L400,334 L382,276 "
        "L364,170 L360,300 Q362,330 368,352 L356,600 L318,600 L304,380 L296,380 L282,600 "
        "L244,600 L232,352 Q238,330 240,300 L236,170 L218,276 L200,334 L180,330 L196,270 "
        "L216,130 Q228,108 278,104 Z"
    ),
)

_BODY_FRONT = Diagram(
    code="body_front",
    title="Body, front",
    crop="165 0 270 620",
    full="-110 0 820 620",
    label_left_x=160,
    label_right_x=440,
    decorations=_SILHOUETTE,
    zones=(
        _zone(
            "decolletage",
            _path("M250,112 Q300,104 350,112 L346,152 Q300,168 254,152 Z"),
            (278, 132),
            "left",
        ),
        _zone("abdomen", _ellipse(300, 250, 50, 52), (326, 250), "right"),
        _zone("thighs", _pair(272, 430, 28, 62), (262, 430), "left"),
        _zone("hands", _pair(190, 356, 20, 26), (410, 356), "right"),
    ),
)

_BODY_BACK = Diagram(
    code="body_back",
    title="Body, back",
    crop="165 0 270 620",
    full="-110 0 820 620",
    label_left_x=160,
    label_right_x=440,
    decorations=_SILHOUETTE,
    zones=(
        _zone("upper_arms", _pair(220, 196, 15, 42), (216, 196), "left"),
        _zone("flanks", _pair(252, 262, 17, 34), (352, 262), "right"),
        _zone("buttocks", _pair(274, 344, 26, 28), (266, 344), "left"),
    ),
)

DIAGRAMS: Final[tuple[Diagram, ...]] = (_FACE, _SCALP, _BODY_FRONT, _BODY_BACK)
DIAGRAM_BY_CODE: Final[dict[str, Diagram]] = {d.code: d for d in DIAGRAMS}
ZONE_SHAPES: Final[dict[str, ZoneShape]] = {z.zone: z for d in DIAGRAMS for z in d.zones}
