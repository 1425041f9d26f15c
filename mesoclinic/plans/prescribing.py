"""Which substances of a plan are prescription-only medicines: the rule behind a plan's status.

A plan with a prescription-only medicine (POM) may be drafted by any practitioner, but it waits
for a prescriber's review and signature before the consultation can be completed or the plan
used. Pure: the plan's JSON and the knowledge base in, substance codes out.
"""

from __future__ import annotations

from typing import Any

from mesoclinic.planning.knowledge_model import Knowledge


def prescription_only_substances(plan: dict[str, Any], knowledge: Knowledge) -> list[str]:
    """The codes of the plan's prescription-only substances, in the order the areas name them.

    The engine marks each planned substance (``prescription_only``); a plan stored before the
    engine did is read against the knowledge base. A substance the knowledge base no longer
    knows, with no mark, counts as prescription-only: unknown is not safe to give unsigned.
    """
    found: list[str] = []
    for area in plan.get("areas") or []:
        for substance in area.get("substances") or []:
            code = str(substance.get("code", ""))
            flag = substance.get("prescription_only")
            if flag is None:
                known = knowledge.substances.get(code)
                flag = True if known is None else known.prescription_only
            if flag and code not in found:
                found.append(code)
    return found
