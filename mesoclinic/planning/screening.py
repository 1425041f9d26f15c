"""Screening: which rules of ``rules.toml`` fire for a patient.

Rules are data; this module only decides whether a trigger holds. A rule that names substances
(``applies_to_substances``) is held back until the plan is known: it is reported only when the
plan would have used one of those substances, so a patient is not warned about a drug nobody
proposed.
"""

from __future__ import annotations

from dataclasses import dataclass

from mesoclinic.planning.knowledge_model import Knowledge, Rule
from mesoclinic.planning.model import Finding, NeedleFear, Patient, Severity


@dataclass(frozen=True)
class Screening:
    """The fired rules, split by how they reach the plan.

    ``patient_findings`` apply whatever is planned; ``substance_rules`` wait for the plan;
    ``infected_zones`` are declined; ``turned_away`` is true when an absolute rule applies to
    the whole patient (nothing is planned).
    """

    patient_findings: tuple[Finding, ...]
    substance_rules: tuple[Rule, ...]
    withheld: frozenset[str]
    allergens: frozenset[str]
    """Substance codes the patient is allergic to, allergy classes expanded to their members."""
    infected_zones: tuple[str, ...]
    infection_rule: Rule | None
    turned_away: bool


def screen(patient: Patient, knowledge: Knowledge) -> Screening:
    findings: list[Finding] = []
    substance_rules: list[Rule] = []
    infection_rule: Rule | None = None
    for rule in knowledge.rules:
        if rule.trigger == "infection_zone":
            infection_rule = rule
            continue
        if rule.trigger == "prior_treatment_zone":
            treated = _in_zone_order(patient.prior_treatment_zones, knowledge)
            if treated:
                findings.append(
                    Finding(rule.code, rule.severity, rule.message, treated, tuple(rule.sources))
                )
            continue
        if not _fires(rule.trigger, patient):
            continue
        if rule.applies_to_substances:
            substance_rules.append(rule)
        else:
            findings.append(
                Finding(rule.code, rule.severity, rule.message, (), tuple(rule.sources))
            )
    infected = _in_zone_order(patient.active_skin_infection_zones, knowledge)
    if infected and infection_rule is not None:
        findings.append(
            Finding(
                infection_rule.code,
                infection_rule.severity,
                infection_rule.message,
                infected,
                tuple(infection_rule.sources),
            )
        )
    withheld = frozenset(
        code for rule in substance_rules if rule.withhold for code in rule.applies_to_substances
    )
    turned_away = any(f.severity is Severity.ABSOLUTE and not f.zones for f in findings)
    return Screening(
        patient_findings=tuple(findings),
        substance_rules=tuple(substance_rules),
        withheld=withheld,
        allergens=knowledge.allergens(patient.allergies),
        infected_zones=infected if infection_rule is not None else (),
        infection_rule=infection_rule,
        turned_away=turned_away,
    )


def _fires(trigger: str, patient: Patient) -> bool:
    kind, _, arg = trigger.partition(":")
    match kind:
        case "condition":
            return arg in patient.conditions
        case "medication":
            return arg in patient.medications
        case "pregnant":
            return patient.pregnant
        case "breastfeeding":
            return patient.breastfeeding
        case "age_under":
            return patient.age < int(arg)
        case "needle_fear":
            return patient.needle_fear is NeedleFear(arg)
        case "weight_unknown":
            return patient.weight_kg is None
        case "recent":
            event, _, weeks = arg.partition(":")
            since = patient.weeks_since(event)
            return since is not None and since < int(weeks)
    # The loader refuses unknown triggers; reaching here means the two disagree.
    raise AssertionError(f"unhandled trigger {trigger!r}")


def _in_zone_order(zones: tuple[str, ...], knowledge: Knowledge) -> tuple[str, ...]:
    wanted = set(zones)
    return tuple(code for code in knowledge.zones if code in wanted)
