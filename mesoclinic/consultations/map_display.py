"""What the zone map templates draw: diagrams, zones coloured by concern, labels with leaders.

Pure presentation over ``diagrams`` and the knowledge base's names; no query, no rule. The
templates loop over these values and escape every string they print.

Labels sit in a column either side of a diagram (``Diagram.full``), each joined to its zone by a
leader line. Within a column, labels are placed top to bottom at their zone's height and pushed
down just enough not to overlap (one pass over the labels sorted by height).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from mesoclinic.consultations.diagrams import DIAGRAMS, Diagram, Shape
from mesoclinic.planning.knowledge_model import Knowledge

LINE_HEIGHT: Final = 15.0
LABEL_GAP: Final = 6.0

Mode = Literal["edit", "view"]


@dataclass(frozen=True)
class ZoneView:
    zone: str
    name: str
    shape: Shape
    mirror: Shape | None
    classes: str
    concerns: tuple[str, ...]
    description: str  # the accessible name: zone, and its concerns when marked


@dataclass(frozen=True)
class LabelView:
    zone: str
    lines: tuple[str, ...]
    x: float
    y: float
    anchor: Literal["start", "end"]
    leader: tuple[float, float, float, float]  # x1, y1 (at the label), x2, y2 (at the zone)


@dataclass(frozen=True)
class DiagramView:
    code: str
    title: str
    view_box: str
    decorations: tuple[Shape, ...]
    zones: tuple[ZoneView, ...]
    features: tuple[Shape, ...] = field(default=())
    labels: tuple[LabelView, ...] = field(default=())


@dataclass(frozen=True)
class LegendItem:
    concern: str
    name: str

    @property
    def short(self) -> str:
        """The name without its parenthesis, for the compact picker: "Laxity"."""
        return short_name(self.name)


@dataclass(frozen=True)
class MapDisplay:
    mode: Mode
    diagrams: tuple[DiagramView, ...]
    legend: tuple[LegendItem, ...]
    concerns: tuple[LegendItem, ...]  # every concern, for the picker in edit mode


def short_name(name: str) -> str:
    """A zone's name without its parenthesis: "Cheeks (zygoma)" -> "Cheeks"."""
    return name.split(" (", 1)[0]


def zone_map(
    knowledge: Knowledge,
    *,
    mode: Mode,
    marked: Mapping[str, Sequence[str]],
    labels: Mapping[str, Sequence[str]] | None = None,
) -> MapDisplay:
    """The map for ``marked`` (zone -> concern codes, in the order they were picked).

    Edit mode draws every diagram cropped to the figure, for picking. View mode draws only the
    diagrams that have a marked zone (all four when none is), with the label columns when
    ``labels`` (zone -> extra label lines) is given.
    """
    concern_order = {code: index for index, code in enumerate(knowledge.concerns)}
    used = sorted(
        {concern for codes in marked.values() for concern in codes},
        key=lambda code: concern_order.get(code, len(concern_order)),
    )
    views = []
    for diagram in DIAGRAMS:
        if mode == "view" and marked and not any(z.zone in marked for z in diagram.zones):
            continue
        views.append(_diagram(diagram, knowledge, mode=mode, marked=marked, labels=labels))
    return MapDisplay(
        mode=mode,
        diagrams=tuple(views),
        legend=tuple(_legend(knowledge, code) for code in used),
        concerns=tuple(_legend(knowledge, code) for code in knowledge.concerns),
    )


def marked_zones(concerns: Sequence[Mapping[str, object]]) -> dict[str, list[str]]:
    """zone -> concerns from a list of ``{"concern", "zones"}`` (a consultation's concerns)."""
    marked: dict[str, list[str]] = {}
    for entry in concerns:
        concern = entry.get("concern")
        zones = entry.get("zones")
        if not isinstance(concern, str) or not isinstance(zones, list):
            continue
        for zone in zones:
            if isinstance(zone, str):
                marked.setdefault(zone, []).append(concern)
    return marked


def _legend(knowledge: Knowledge, code: str) -> LegendItem:
    concern = knowledge.concerns.get(code)
    return LegendItem(concern=code, name=concern.name if concern else code)


def _diagram(
    diagram: Diagram,
    knowledge: Knowledge,
    *,
    mode: Mode,
    marked: Mapping[str, Sequence[str]],
    labels: Mapping[str, Sequence[str]] | None,
) -> DiagramView:
    zones = []
    for shape in diagram.zones:
        known = knowledge.zones.get(shape.zone)
        name = known.name if known else shape.zone
        concerns = tuple(marked.get(shape.zone, ()))
        classes = ["zone"]
        if concerns:
            classes += ["marked", f"concern-{concerns[0]}"]
            if len(concerns) > 1:
                classes.append("multi")
        named = [_legend(knowledge, code).name for code in concerns]
        description = f"{name}: {', '.join(named)}" if named else name
        zones.append(
            ZoneView(
                zone=shape.zone,
                name=name,
                shape=shape.shape,
                mirror=shape.mirror,
                classes=" ".join(classes),
                concerns=concerns,
                description=description,
            )
        )
    placed: tuple[LabelView, ...] = ()
    if mode == "view" and labels is not None:
        placed = _labels(diagram, knowledge, marked, labels)
    return DiagramView(
        code=diagram.code,
        title=diagram.title,
        view_box=diagram.full if placed else diagram.crop,
        decorations=diagram.decorations,
        zones=tuple(zones),
        features=diagram.features,
        labels=placed,
    )


def _labels(
    diagram: Diagram,
    knowledge: Knowledge,
    marked: Mapping[str, Sequence[str]],
    labels: Mapping[str, Sequence[str]],
) -> tuple[LabelView, ...]:
    placed: list[LabelView] = []
    for side in ("left", "right"):
        wanted = sorted(
            (z for z in diagram.zones if z.side == side and (z.zone in labels or z.zone in marked)),
            key=lambda z: z.anchor[1],
        )
        bottom = float("-inf")
        for shape in wanted:
            known = knowledge.zones.get(shape.zone)
            lines = (short_name(known.name if known else shape.zone), *labels.get(shape.zone, ()))
            y = max(shape.anchor[1], bottom + LABEL_GAP + LINE_HEIGHT)
            bottom = y + LINE_HEIGHT * (len(lines) - 1)
            if side == "left":
                x, anchor, edge = diagram.label_left_x - 10, "end", diagram.label_left_x - 6
            else:
                x, anchor, edge = diagram.label_right_x + 10, "start", diagram.label_right_x + 6
            placed.append(
                LabelView(
                    zone=shape.zone,
                    lines=lines,
                    x=x,
                    y=y,
                    anchor=anchor,  # type: ignore[arg-type]
                    leader=(edge, y - 4, shape.anchor[0], shape.anchor[1]),
                )
            )
    return tuple(placed)
