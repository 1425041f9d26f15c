"""Reads of the public pages: a visitor's answer, the information pages. Nothing is stored and
nothing of anyone else's is read: the answer comes from the token alone."""

from __future__ import annotations

from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.public.answer import Citation, PublicAnswer, public_answer, public_citation
from mesoclinic.public.answers import Answers, answers_to_request
from mesoclinic.public.content import InfoPage, info_page, info_pages
from mesoclinic.public.words import prescription_only_names, public_words


def answer_for(answers: Answers) -> PublicAnswer:
    """The planning engine's plan for ``answers``, rephrased for the public."""
    knowledge = default_knowledge()
    plan = make_plan(answers_to_request(answers), knowledge)
    return public_answer(answers, plan, knowledge, public_words())


def info_page_get(slug: str) -> InfoPage:
    """The information page ``slug``; ``InfoPageMissing`` when there is none."""
    return info_page(slug)


def info_page_list() -> tuple[InfoPage, ...]:
    return info_pages()


def info_page_citations(page: InfoPage) -> tuple[Citation, ...]:
    """The page's sources as the public pages cite them (see ``answer.public_citation``)."""
    knowledge = default_knowledge()
    names = prescription_only_names(knowledge)
    return tuple(public_citation(s, knowledge, names) for s in page.sources)
