"""The plan, rephrased for the visitor who asked: ``public_answer``.

The engine answers the public exactly as it answers a clinician; this module only chooses what a
visitor reads and says it in ``content/words.toml``'s words. It never prints the engine's own
messages, which name substances, some of them prescription-only medicines. Every figure shown
(sessions, interval, review) is the plan's, with the plan's sources; where the plan has none the
page says "not established".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from mesoclinic.planning.index import knowledge_index
from mesoclinic.planning.knowledge_model import Knowledge
from mesoclinic.planning.model import (
    Alternative,
    Course,
    Evidence,
    NeedleFear,
    Plan,
    Severity,
)
from mesoclinic.public.answers import Answers
from mesoclinic.public.words import Said, Words, names_found, prescription_only_names

PRESCRIPTION_TREATMENT = "A prescription treatment a doctor could discuss"
_EVIDENCE_RANK = {level: i for i, level in enumerate(Evidence)}


@dataclass(frozen=True)
class PlannedCourse:
    """What a consultation could address: concerns in areas, with the plan's course."""

    concerns: tuple[str, ...]
    zones: tuple[str, ...]
    course: Said  # sessions and interval, or "not established"
    lasting: Said  # the maintenance review, or "not established"
    evidence: Said | None  # the strongest evidence level of what is planned
    elsewhere: Said | None = None  # chosen areas where the concern is not offered


@dataclass(frozen=True)
class Option:
    name: str
    evidence: str
    effect: str
    for_concerns: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Citation:
    id: str
    text: str


@dataclass(frozen=True)
class PublicAnswer:
    under_18: Said | None
    planned: tuple[PlannedCourse, ...]
    visits: int  # visits of the shared schedule; 0 where the plan sets none
    review: tuple[Said, ...]
    ruled_out: tuple[Said, ...]
    unfit: tuple[Said, ...]
    claims: tuple[Said, ...]
    needle_fear: NeedleFear
    needle_words: Said | None
    needle_free: tuple[Option, ...]
    injection_comfort: tuple[Option, ...]
    other_options: tuple[Option, ...]
    sources: tuple[Citation, ...] = field(default=())

    @property
    def one_course(self) -> bool:
        return len(self.planned) > 1 and self.visits > 0


def public_answer(answers: Answers, plan: Plan, knowledge: Knowledge, words: Words) -> PublicAnswer:
    """The visitor's answer from their ``plan``; see the module docstring."""
    if answers.age < 18:
        finding = next((f for f in plan.findings if f.code == "under_18"), None)
        sources = finding.sources if finding else ()
        return _empty(answers, Said(words.findings.get("under_18", ""), sources))

    planned_concerns = {c for course in plan.courses for c in course.concerns}
    declined_by_concern: dict[str, list[str]] = {}
    for item in plan.declined:
        zones = declined_by_concern.setdefault(item.concern, [])
        zones.extend(z for z in item.zones if z not in zones)

    planned = tuple(
        _planned(course, plan, words, declined_by_concern, knowledge) for course in plan.courses
    )
    claims, ruled_out, unfit = [], [], []
    for concern, zones in declined_by_concern.items():
        if concern in planned_concerns:
            continue
        if concern in words.claims:
            said = words.declined.get(concern, Said("No study supports this claim."))
            claims.append(Said(f"{words.concern(concern)}: {said.text}", said.sources))
        elif answers.skin_infection_now:
            ruled_out.append(
                Said(
                    f"{words.concern(concern)}: not now, while there is an infection "
                    "or a cold sore."
                )
            )
        elif concern in words.declined:
            said = words.declined[concern]
            ruled_out.append(Said(f"{words.concern(concern)}: {said.text}", said.sources))
        elif not _has_protocol(concern, zones, knowledge):
            unfit.append(_unfit(concern, knowledge, words))
        else:
            ruled_out.append(
                Said(
                    f"{words.concern(concern)}: your answers (an allergy, a pregnancy or a "
                    "medicine) rule out what a clinic would use for this in the areas you "
                    "chose. A consultation can discuss other options."
                )
            )

    review: list[Said] = []
    needle_words: Said | None = None
    for finding in plan.findings:
        if finding.code in words.hidden_findings:
            continue
        if finding.code.startswith("needle_fear_"):
            needle_words = Said(words.findings.get(finding.code, ""), finding.sources)
            continue
        if finding.severity is Severity.INFO:
            continue
        text = words.findings.get(finding.code)
        if text is None:
            text = (
                f"Some products a clinic might use on the {_zones(finding.zones, words)} are "
                "not suitable for everyone. The clinician checks this with you."
                if finding.zones
                else words.severity[finding.severity.value]
            )
        target = ruled_out if finding.severity is Severity.ABSOLUTE else review
        target.append(Said(text, finding.sources))

    names = prescription_only_names(knowledge)
    fears = answers.needle_fear is not NeedleFear.NONE
    options = [_option(a, words, names) for a in plan.alternatives]
    comfort = [o for o, a in zip(options, plan.alternatives, strict=True) if not a.for_concerns]
    needle_free = [
        o for o, a in zip(options, plan.alternatives, strict=True) if a.needle_free and fears
    ]
    unplanned = set(declined_by_concern) - planned_concerns
    other = [
        o
        for o, a in zip(options, plan.alternatives, strict=True)
        if a.for_concerns
        and o not in needle_free
        and (fears or unplanned.intersection(a.for_concerns))
    ]
    return PublicAnswer(
        under_18=None,
        planned=planned,
        visits=len(plan.visits),
        review=_merged(review),
        ruled_out=_merged(ruled_out),
        unfit=tuple(unfit),
        claims=tuple(claims),
        needle_fear=answers.needle_fear,
        needle_words=needle_words,
        needle_free=tuple(needle_free),
        injection_comfort=tuple(comfort) if fears else (),
        other_options=tuple(other),
        sources=tuple(public_citation(s, knowledge, names) for s in plan.sources),
    )


def _empty(answers: Answers, under_18: Said) -> PublicAnswer:
    return PublicAnswer(
        under_18=under_18,
        planned=(),
        visits=0,
        review=(),
        ruled_out=(),
        unfit=(),
        claims=(),
        needle_fear=answers.needle_fear,
        needle_words=None,
        needle_free=(),
        injection_comfort=(),
        other_options=(),
    )


def _planned(
    course: Course,
    plan: Plan,
    words: Words,
    declined: dict[str, list[str]],
    knowledge: Knowledge,
) -> PlannedCourse:
    if course.sessions is not None and course.interval_days is not None:
        text = f"usually {course.sessions} sessions, {_every(course.interval_days)}."
    elif course.sessions is not None:
        text = f"usually {course.sessions} sessions; the time between them is not established."
    else:
        text = "not established; the clinician agrees it with you."
    course_said = Said(f"A course: {text}", course.sources)

    maintenance = course.maintenance
    if maintenance.review_after_weeks is not None and maintenance.evidence is not Evidence.NONE:
        lasting = Said(
            "How long results last: not established. A review is suggested after "
            f"{maintenance.review_after_weeks} weeks (evidence: "
            f"{words.evidence[maintenance.evidence.value]}).",
            maintenance.sources,
        )
    else:
        lasting = Said("How long results last: not established.", maintenance.sources)

    actives = [
        substance
        for area in plan.areas
        if area.zone in course.zones and set(area.concerns) & set(course.concerns)
        for substance in area.substances
        if substance.role.value == "active"
    ]
    evidence = None
    if actives:
        best = min(actives, key=lambda s: _EVIDENCE_RANK[s.evidence])
        evidence = Said(f"Evidence: {words.evidence[best.evidence.value]}.", best.sources)

    # Only the knowledge base's own refusals: a concern simply not treated in another chosen
    # area (hair loss on the cheeks) is no refusal when it is planned where it fits.
    refused = knowledge_index(knowledge).declined_uses
    not_here = sorted(
        {
            z
            for c in course.concerns
            for z in declined.get(c, ())
            if z not in course.zones and (c, z) in refused
        }
    )
    elsewhere = None
    if not_here:
        elsewhere = Said(f"Not offered for this on the {_zones(tuple(not_here), words)}.")
    return PlannedCourse(course.concerns, course.zones, course_said, lasting, evidence, elsewhere)


def _every(days: int) -> str:
    if days % 7 == 0:
        weeks = days // 7
        return "a week apart" if weeks == 1 else f"{weeks} weeks apart"
    return f"{days} days apart"


def _has_protocol(concern: str, zones: Iterable[str], knowledge: Knowledge) -> bool:
    wanted = set(zones)
    return any(p.concern == concern and wanted & set(p.zones) for p in knowledge.protocols)


def _unfit(concern: str, knowledge: Knowledge, words: Words) -> Said:
    where: list[str] = []
    for protocol in knowledge.protocols:
        if protocol.concern == concern:
            where.extend(z for z in protocol.zones if z not in where)
    text = f"{words.concern(concern)}: none of the areas you chose is one where this is treated."
    if where:
        text += f" It is treated on the {_zones(tuple(where), words)}."
    return Said(text)


def _zones(zones: tuple[str, ...], words: Words) -> str:
    names = [words.zone(z).lower() for z in zones]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _option(alternative: Alternative, words: Words, names: tuple[str, ...]) -> Option:
    if alternative.prescription_only:
        name = PRESCRIPTION_TREATMENT
    else:
        name = words.alternatives.get(alternative.code, alternative.name)
        if names_found(name, names):
            name = "A treatment a clinician could discuss"
    return Option(
        name=name,
        evidence=words.evidence[alternative.evidence.value],
        effect=words.effect[alternative.effect.value],
        for_concerns=tuple(words.concern(c) for c in alternative.for_concerns),
        sources=alternative.sources,
    )


def _merged(items: list[Said]) -> tuple[Said, ...]:
    """One statement per text, with the sources of each time it was said."""
    merged: dict[str, list[str]] = {}
    for item in items:
        sources = merged.setdefault(item.text, [])
        sources.extend(s for s in item.sources if s not in sources)
    return tuple(Said(text, tuple(sources)) for text, sources in merged.items())


_CITATIONS: dict[tuple[str, str, tuple[str, ...]], Citation] = {}


def public_citation(source_id: str, knowledge: Knowledge, names: tuple[str, ...]) -> Citation:
    """The source's citation, or its first author and year where the title names a
    prescription-only medicine (so that the page never does). Remembered per knowledge
    version: every answer page cites some forty."""
    key = (source_id, knowledge.version, names)
    cited = _CITATIONS.get(key)
    if cited is None:
        cited = _CITATIONS[key] = _citation(source_id, knowledge, names)
    return cited


def _citation(source_id: str, knowledge: Knowledge, names: tuple[str, ...]) -> Citation:
    source = knowledge.sources.get(source_id)
    if source is None:
        return Citation(source_id, "")
    if source.quality == "label":
        # A label's title is the product's brand name, which public pages never show.
        return Citation(source_id, "The product's prescribing information")
    if not names_found(source.citation, names):
        return Citation(source_id, source.citation)
    author = source.citation.split(",")[0].split(".")[0].strip()
    year = re.search(r"\b(19|20)\d{2}\b", source.citation)
    text = f"{author} et al.{' ' + year.group(0) if year else ''}"
    return Citation(source_id, "" if names_found(text, names) else text)
