"""The self-assessment form ("Is this right for you?"). Nothing typed is stored: a valid form
becomes ``Answers``, carried in a signed token (``answers.answers_sign``)."""

from __future__ import annotations

from typing import Any

from django import forms

from mesoclinic.core.forms import NamedErrorsMixin
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.model import NeedleFear
from mesoclinic.public.answers import Answers
from mesoclinic.public.words import public_words

# The acne-tablet question, asked without naming the medicine (it is prescription-only). Its
# answer is a band; the engine compares weeks with its rule's threshold, so each band is carried
# as a week inside it: the middle of the first two, and a year for "more than a year".
ACNE_TABLET_WEEKS: dict[str, int | None] = {
    "never": None,
    "now": 0,
    "under_6_months": 13,
    "6_to_12_months": 39,
    "over_12_months": 52,
}
ACNE_TABLET_CHOICES = [
    ("never", "No, never"),
    ("now", "Yes, I take it now"),
    ("under_6_months", "I stopped less than 6 months ago"),
    ("6_to_12_months", "I stopped 6 to 12 months ago"),
    ("over_12_months", "I stopped more than 12 months ago"),
]
NEEDLE_CHOICES = [
    (NeedleFear.NONE.value, "Needles do not worry me"),
    (NeedleFear.MILD.value, "I am a little nervous of needles"),
    (NeedleFear.SEVERE.value, "I am very afraid of needles"),
]
SAFETY_FIELDS = (
    "pregnant_or_breastfeeding",
    "skin_infection_now",
    "blood_thinners",
    "keloid_scars",
    "autoimmune_disease",
)


def zone_groups() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(region code, region name, [(zone code, zone name)]) in the knowledge base's order."""
    words = public_words()
    groups: dict[str, list[tuple[str, str]]] = {}
    for zone in default_knowledge().zones.values():
        groups.setdefault(zone.region.value, []).append((zone.code, words.zone(zone.code)))
    return [(region, words.regions.get(region, region), zones) for region, zones in groups.items()]


class AskedChoices(forms.MultipleChoiceField):
    """Asked of everyone, so not marked optional; whether an empty answer is an error is the
    form's to say (someone under 18 need not answer it)."""

    def validate(self, value: Any) -> None:
        if value:
            super().validate(value)


class StartForm(NamedErrorsMixin, forms.Form):
    age = forms.IntegerField(
        label="Your age",
        min_value=0,
        max_value=120,
        help_text="In years.",
        # A text box: a number box lets some phones drop what is typed without a word.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    concerns = AskedChoices(
        label="What would you like help with?",
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick all that apply, here or in the next question.",
    )
    claims = forms.MultipleChoiceField(
        label="Have you heard that mesotherapy can do any of these?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick any you would like an honest answer about.",
    )
    zones = AskedChoices(label="Which areas?", widget=forms.CheckboxSelectMultiple)
    pregnant_or_breastfeeding = forms.BooleanField(
        label="I am pregnant or breastfeeding", required=False
    )
    skin_infection_now = forms.BooleanField(
        label="I have a skin infection or a cold sore now", required=False
    )
    blood_thinners = forms.BooleanField(
        label="I take medicine that thins the blood", required=False
    )
    keloid_scars = forms.BooleanField(
        label="I have had raised, lumpy scars (keloids)", required=False
    )
    autoimmune_disease = forms.BooleanField(
        label=(
            "I have an autoimmune condition (for example lupus, or an autoimmune thyroid condition)"
        ),
        required=False,
    )
    allergies = forms.MultipleChoiceField(
        label="Are you allergic to any of these?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    acne_tablet = forms.ChoiceField(
        label="Have you taken a prescription tablet for severe acne?",
        choices=ACNE_TABLET_CHOICES,
        initial="never",
        widget=forms.RadioSelect,
    )
    needle_fear = forms.ChoiceField(
        label="How do you feel about needles?",
        choices=NEEDLE_CHOICES,
        initial=NeedleFear.NONE.value,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        words = public_words()
        knowledge = default_knowledge()
        self.fields["concerns"].choices = list(words.concerns.items())  # type: ignore[attr-defined]
        self.fields["claims"].choices = list(words.claims.items())  # type: ignore[attr-defined]
        self.fields["zones"].choices = [  # type: ignore[attr-defined]
            (code, name) for _, _, zones in zone_groups() for code, name in zones
        ]
        self.fields["allergies"].choices = [  # type: ignore[attr-defined]
            (code, words.allergies.get(code, group.name))
            for code, group in knowledge.allergy_classes.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        age = data.get("age")
        # Under 18 the answer is the same whatever else was ticked (market rules c.1): the
        # rest is not required of them.
        if age is None or age < 18:
            return data
        if not data.get("concerns") and not data.get("claims"):
            self.add_error("concerns", "What would you like help with?: tick at least one.")
        if not data.get("zones"):
            self.add_error("zones", "Which areas?: tick at least one area.")
        return data

    def answers(self) -> Answers:
        """The valid form's answers."""
        data = self.cleaned_data
        return Answers(
            age=data["age"],
            concerns=(*data["concerns"], *data["claims"]),
            zones=tuple(data["zones"]),
            needle_fear=NeedleFear(data["needle_fear"]),
            isotretinoin_weeks=ACNE_TABLET_WEEKS[data["acne_tablet"]],
            allergies=tuple(data["allergies"]),
            **{name: bool(data[name]) for name in SAFETY_FIELDS},
        )


def initial_from(answers: Answers) -> dict[str, Any]:
    """The form's initial values for ``answers`` (to change one's answers)."""
    words = public_words()
    band = next(
        (k for k, v in ACNE_TABLET_WEEKS.items() if v == answers.isotretinoin_weeks), "never"
    )
    return {
        "age": answers.age,
        "concerns": [c for c in answers.concerns if c in words.concerns],
        "claims": [c for c in answers.concerns if c in words.claims],
        "zones": list(answers.zones),
        "allergies": list(answers.allergies),
        "acne_tablet": band,
        "needle_fear": answers.needle_fear.value,
        **{name: getattr(answers, name) for name in SAFETY_FIELDS},
    }
