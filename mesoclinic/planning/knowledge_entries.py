"""Build each kind of knowledge entry from its TOML table, checked against the schema.

One function per kind (``build_source``, ``build_zone``, ... ``build_allergy_class``): each takes an
``Entry`` and the loading ``Context``, records every problem in the context (naming the file,
the entry and the key) and returns the frozen value. ``knowledge.load_knowledge`` calls them in
the order the files are checked. Pure Python, like the rest of ``planning``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from mesoclinic.planning.knowledge_model import (
    AllergyClass,
    AlternativeOption,
    Concern,
    DeclinedUse,
    Protocol,
    Rule,
    Source,
    Sourced,
    Substance,
    Zone,
)
from mesoclinic.planning.knowledge_parse import (
    Context,
    Entry,
    Table,
    build_each,
    entries,
    suggest,
    unknown,
)
from mesoclinic.planning.model import (
    Effect,
    Evidence,
    Layer,
    NeedleFear,
    Region,
    Severity,
    SubstanceRole,
    Technique,
)

# The schema's vocabularies (data/README.md) that entries are checked against.
SOURCE_QUALITIES = frozenset(
    {"peer_reviewed", "label", "consensus", "regulator", "secondary", "low", "vendor"}
)
PATIENT_STATES = frozenset({"pregnant", "breastfeeding", "may_become_pregnant"})
PLAIN_TRIGGERS = (
    "pregnant",
    "breastfeeding",
    "weight_unknown",
    "infection_zone",
    "prior_treatment_zone",
)
RECENT_EVENTS = ("laser", "facial_surgery", "isotretinoin")
TRIGGER_FORMS = (
    *PLAIN_TRIGGERS,
    "recent:<laser|facial_surgery|isotretinoin>:<weeks>",
    "condition:<code>",
    "medication:<code>",
    "age_under:<years>",
    "needle_fear:<mild|severe>",
)
FEAR_LEVELS = (NeedleFear.MILD.value, NeedleFear.SEVERE.value)


def build_source(e: Entry, ctx: Context) -> Source:
    code = e.text("id", nonempty=True)
    citation = e.text("citation", nonempty=True)
    url = e.text("url")  # may be empty: some labels and reports have no stable address
    quality = e.code("quality", SOURCE_QUALITIES, "source quality")
    return Source(id=code, citation=citation, url=url, quality=quality)


def build_zone(e: Entry, ctx: Context) -> Zone:
    zone = Zone(
        code=e.text("code", nonempty=True),
        name=e.text("name", nonempty=True),
        region=e.enum("region", Region, "region"),
        diagram=e.text("diagram", nonempty=True),
        female=e.thickness("female"),
        male=e.thickness("male"),
        note=e.text("note", required=False),
        sources=e.source_ids("sources"),
    )
    unmeasured = "female" not in e.table and "male" not in e.table
    if unmeasured and not zone.note.strip() and not e.bad("note"):
        e.problem(
            "note", "a zone without female or male thickness needs a note saying why (the GAP)"
        )
    return zone


def build_concern(e: Entry, ctx: Context) -> Concern:
    return Concern(
        code=e.text("code", nonempty=True),
        name=e.text("name", nonempty=True),
        declined_reason=e.text("declined_reason", required=False),
        sources=e.source_ids("sources"),
    )


def build_substance(e: Entry, ctx: Context) -> Substance:
    substance = Substance(
        code=e.text("code", nonempty=True),
        name=e.text("name", nonempty=True),
        role=e.enum("role", SubstanceRole, "role"),
        concentration=e.maybe_text("concentration"),
        concentration_note=e.text("concentration_note", required=False),
        evidence=e.enum("evidence", Evidence, "evidence level"),
        evidence_note=e.text("evidence_note", required=False),
        sources=e.source_ids("sources"),
        prescription_only=e.flag("prescription_only"),
        allowed_zones=e.codes("allowed_zones", ctx.zones, "zone", required=False, nonempty=True),
        excluded_if=e.codes("excluded_if", PATIENT_STATES, "patient state", required=False) or (),
        exclusion_reason=e.text("exclusion_reason", required=False),
        exclusion_sources=e.source_ids("exclusion_sources", required=False),
        mg_per_ml=e.sourced("mg_per_ml"),
        max_mg_per_kg=e.sourced("max_mg_per_kg"),
        max_mg=e.sourced("max_mg"),
        declined_reason=e.text("declined_reason", required=False),
    )
    # The README: words for a concentration still cite the sources that give it.
    if substance.concentration and not substance.sources and not e.bad("sources"):
        e.problem("sources", "a concentration needs at least one source id")
    if substance.excluded_if:
        if not substance.exclusion_reason.strip() and not e.bad("exclusion_reason"):
            e.problem("exclusion_reason", "required with excluded_if")
        if not substance.exclusion_sources and not e.bad("exclusion_sources"):
            e.problem("exclusion_sources", "required with excluded_if (at least one source id)")
    elif substance.exclusion_reason or substance.exclusion_sources:
        e.problem("excluded_if", "missing, yet exclusion_reason or exclusion_sources is given")
    return substance


def build_protocols(
    ctx: Context,
    doc: Table | None,
    concerns: Mapping[str, Concern],
    substances: Mapping[str, Substance],
) -> dict[str, Protocol]:
    """``protocols.toml``; also refuses an active substance that two protocols of one
    (concern, zone) pair both list: each substance carries its own protocol there, so the
    engine must know which protocol a substance's course comes from."""
    owner: dict[tuple[str, str, str], str] = {}  # (concern, zone, active) -> protocol code

    def build(e: Entry, ctx: Context) -> Protocol:
        p = Protocol(
            code=e.text("code", nonempty=True),
            concern=e.code("concern", ctx.concerns, "concern"),
            zones=e.codes("zones", ctx.zones, "zone", nonempty=True) or (),
            layer=e.enum("layer", Layer, "layer"),
            technique=e.enum("technique", Technique, "technique"),
            angle_deg=e.quantity("angle_deg", whole=True),
            needle_gauge=e.quantity("needle_gauge", whole=True),
            needle_length_mm=e.quantity("needle_length_mm"),
            volume_per_point_ml=e.quantity("volume_per_point_ml"),
            spacing_mm=e.quantity("spacing_mm"),
            points=_points(e, ctx),
            substances=e.codes("substances", ctx.substances, "substance") or (),
            sessions=e.quantity("sessions", whole=True),
            interval_days=e.quantity("interval_days", whole=True),
            review_after_weeks=e.quantity("review_after_weeks", whole=True),
            maintenance_evidence=e.enum("maintenance_evidence", Evidence, "evidence level"),
            maintenance_note=e.text("maintenance_note", required=False),
            note=e.text("note", required=False),
            sources=e.source_ids("sources"),
        )
        weeks, weeks_sources = _session_weeks(e, p)
        p = replace(p, session_weeks=weeks, session_weeks_sources=weeks_sources)
        if p.concern in concerns and concerns[p.concern].declined_reason.strip():
            e.problem("concern", f'concern "{p.concern}" is always declined (see concerns.toml)')
        actives = [
            code
            for code in p.substances
            if code in substances
            and substances[code].role is SubstanceRole.ACTIVE
            and not substances[code].declined_reason.strip()  # reported on its own below
        ]
        if len(actives) > 1:
            e.problem(
                "substances",
                f"lists {len(actives)} active substances ({', '.join(actives)}): each active "
                "has its own protocol, so that its course and maintenance are its own",
            )
        for i, zone in enumerate(p.zones):
            for active in actives:
                claimed = owner.setdefault((p.concern, zone, active), p.code)
                if claimed != p.code:
                    e.problem(
                        f"zones[{i}]",
                        f'{_pair((p.concern, zone))} with "{active}" is already in protocol '
                        f'"{claimed}"',
                    )
        for zone in p.points:
            if zone not in p.zones and (ctx.zones is None or zone in ctx.zones):
                e.problem(
                    f"points.{zone}", f'zone "{zone}" is not among the zones of this protocol'
                )
        for i, code in enumerate(p.substances):
            if code in substances and substances[code].declined_reason.strip():
                e.problem(f"substances[{i}]", f'substance "{code}" is declined and never planned')
        return p

    return build_each(ctx, "protocols.toml", doc, "protocol", "code", build)


def _session_weeks(e: Entry, p: Protocol) -> tuple[tuple[int, ...] | None, tuple[str, ...]]:
    """``session_weeks = { weeks = [0, 1, ...], sources = [...] }``: rising whole weeks from 0,
    as many as the sourced ``sessions``."""
    raw = e.raw("session_weeks", required=False)
    if raw is None:
        return None, ()
    if not isinstance(raw, dict):
        e.problem("session_weeks", "must be a table with weeks and sources")
        return None, ()
    table = e.child("session_weeks", raw)
    weeks = table.raw("weeks")
    sources = table.source_ids("sources")
    table.finish()
    if not sources and not table.bad("sources"):
        table.problem(None, "a schedule needs at least one source id")
    if (
        not isinstance(weeks, list)
        or not weeks
        or not all(isinstance(w, int) and not isinstance(w, bool) for w in weeks)
        or weeks[0] != 0
        or any(b <= a for a, b in itertools.pairwise(weeks))
    ):
        table.problem("weeks", f"must be rising whole weeks from 0 (got {weeks!r})")
        return None, ()
    if isinstance(p.sessions, Sourced) and int(p.sessions.value) != len(weeks):
        table.problem("weeks", f"{len(weeks)} weeks for {int(p.sessions.value)} sessions")
    return tuple(weeks), sources


def _points(e: Entry, ctx: Context) -> Mapping[str, Sourced]:
    """``points = { zone = {value, sources} }``: whole, sourced counts by zone code."""
    raw = e.raw("points", required=False)
    if raw is None:
        return MappingProxyType({})
    if not isinstance(raw, dict):
        e.problem("points", "must be a table of zone = { value, sources }")
        return MappingProxyType({})
    table = e.child("points", raw)
    points: dict[str, Sourced] = {}
    for zone in raw:
        count = table.sourced(zone, whole=True, required=True)
        if ctx.zones is not None and zone not in ctx.zones:
            table.problem(zone, unknown("zone", zone, ctx.zones))
        points[zone] = Sourced(0, ()) if count is None else count  # a placeholder never escapes
    return MappingProxyType(points)


def build_rule(e: Entry, ctx: Context) -> Rule:
    code = e.text("code", nonempty=True)
    trigger = e.text("trigger", nonempty=True)
    if trigger.strip():
        _check_trigger(e, trigger, ctx)
    rule = Rule(
        code=code,
        trigger=trigger,
        severity=e.enum("severity", Severity, "severity"),
        message=e.text("message", nonempty=True),
        sources=e.source_ids("sources"),
        applies_to_substances=e.codes(
            "applies_to_substances", ctx.substances, "substance", required=False
        )
        or (),
        withhold=e.flag("withhold", required=False),
        alternatives_allowed=e.strings("alternatives_allowed", required=False) or (),
    )
    if rule.alternatives_allowed and not rule.sources and not e.bad("sources"):
        e.problem("alternatives_allowed", "needs sources showing the other route is safe")
    if rule.withhold and not rule.applies_to_substances and not e.bad("applies_to_substances"):
        e.problem("withhold", "true needs applies_to_substances (the substances to withhold)")
    return rule


def _check_trigger(e: Entry, trigger: str, ctx: Context) -> None:
    """``trigger`` must be one of the forms in ``TRIGGER_FORMS`` with a known code."""
    kind, colon, arg = trigger.partition(":")
    if not colon and trigger in PLAIN_TRIGGERS:
        return
    if colon and kind == "condition":
        if ctx.conditions is not None and arg not in ctx.conditions:
            e.problem("trigger", unknown("condition", arg, ctx.conditions))
    elif colon and kind == "medication":
        if ctx.medications is not None and arg not in ctx.medications:
            e.problem("trigger", unknown("medication", arg, ctx.medications))
    elif colon and kind == "age_under":
        if not re.fullmatch(r"[0-9]+", arg) or int(arg) == 0:
            e.problem("trigger", f'age_under needs a whole number of years (got "{arg}")')
    elif colon and kind == "recent":
        event, _, weeks = arg.partition(":")
        if event not in RECENT_EVENTS:
            e.problem("trigger", unknown("event", event, RECENT_EVENTS))
        elif not re.fullmatch(r"[0-9]+", weeks) or int(weeks) == 0:
            e.problem("trigger", f'recent:{event} needs a whole number of weeks (got "{weeks}")')
    elif colon and kind == "needle_fear":
        if arg not in FEAR_LEVELS:
            e.problem("trigger", unknown("needle fear level", arg, FEAR_LEVELS))
    else:
        e.problem("trigger", f'unknown trigger "{trigger}"{suggest(trigger, TRIGGER_FORMS)}')


def build_declined(
    ctx: Context, doc: Table | None, protocols: Mapping[str, Protocol]
) -> tuple[DeclinedUse, ...]:
    """``declined.toml``; a declined (concern, zone) must have no protocol and no other entry."""
    planned = {(p.concern, zone): p.code for p in protocols.values() for zone in p.zones}
    first: dict[tuple[str, str], str] = {}  # (concern, zone) -> the entry that declines it
    declined = []
    for i, e in enumerate(entries(ctx, "declined.toml", doc, "declined", None)):
        use = DeclinedUse(
            concern=e.code("concern", ctx.concerns, "concern"),
            zones=e.codes("zones", ctx.zones, "zone", nonempty=True) or (),
            reason=e.text("reason", nonempty=True),
            sources=e.source_ids("sources"),
        )
        e.finish()
        for j, zone in enumerate(use.zones):
            pair, label = (use.concern, zone), f"declined[{i}]"
            if pair in planned:
                e.problem(f"zones[{j}]", f'{_pair(pair)} has protocol "{planned[pair]}"')
            elif first.setdefault(pair, label) != label:
                e.problem(f"zones[{j}]", f"{_pair(pair)} is already declined in {first[pair]}")
        declined.append(use)
    return tuple(declined)


def _pair(pair: tuple[str, str]) -> str:
    return f'concern "{pair[0]}" in zone "{pair[1]}"'


def build_alternative(e: Entry, ctx: Context) -> AlternativeOption:
    option = AlternativeOption(
        code=e.text("code", nonempty=True),
        name=e.text("name", nonempty=True),
        needle_free=e.flag("needle_free"),
        for_concerns=e.codes("for_concerns", ctx.concerns, "concern") or (),
        for_needle_fear=e.flag("for_needle_fear"),
        evidence=e.enum("evidence", Evidence, "evidence level"),
        note=e.text("note", required=False),
        sources=e.source_ids("sources"),
        prescription_only=e.flag("prescription_only"),
        effect=e.enum("effect", Effect, "effect"),
        delivers=e.codes("delivers", ctx.substances, "substance", required=False) or (),
        systemic=e.flag("systemic", required=False),
    )
    if not option.for_concerns and not option.for_needle_fear and not e.bad("for_concerns"):
        e.problem("for_concerns", "empty and for_needle_fear is false: the option is never offered")
    return option


def build_allergy_class(e: Entry, ctx: Context) -> AllergyClass:
    return AllergyClass(
        code=e.text("code", nonempty=True),
        name=e.text("name", nonempty=True),
        members=e.codes("members", ctx.substances, "substance", nonempty=True) or (),
    )
