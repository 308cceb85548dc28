"""Suggested opportunities, each with the reason it is suggested (issue 19: explainable).

A suggestion is only ever emphasis: the menu shows every opportunity open to the pupil whether
or not it is suggested, and nothing here removes one. Suggestions exist only where the school
has turned them on (``learners.Personalisation.suggestions_on``; no row means off, as the ICO
Age Appropriate Design Code asks), and then only from three things the pupil can see
themselves:

- the words of their learner profile (what they are interested in, good at, want to get better
  at, would like to do one day), matched word by word against the opportunity's title,
  description and subjects: "because you wrote 'I love space'";
- a domain of their current register entry (identified this academic year) that the
  opportunity serves: "because you are on the register for Mathematics";
- an open next step a teacher gave them on their work: "because your next step says '…'".

Every reason names the pupil's words it came from, so a pupil, a carer or a teacher can see
why, and disagree. Matching is plain words, never a score or a model; what is suggested is the
same on the page and in the API because both call ``for_records``."""

import re
from dataclasses import dataclass, field

from risingtide.feedback.models import Comment
from risingtide.learners.models import LearnerProfile, Personalisation
from risingtide.opportunities.models import Opportunity
from risingtide.register.models import Pupil, RegisterEntry, academic_year
from risingtide.register.rows import DOMAINS

# The profile answers suggestions may read (not "what helps me learn": that is for teachers).
PROFILE_READ = ("interests", "strengths", "to_improve", "aspirations")
QUOTE_CHARS = 80
# Words too common to say anything about what a pupil likes or what an opportunity is.
_STOP_WORDS = """about after again also always and any are because been being best better big
    but can
    could day days did does doing done each enjoy enjoys even every for from fun get gets
    getting good great had has have having help her him his how into its just know learn
    learning let like likes lot lots love loves made make makes making many more most much
    need new not now one only other our out over own people really same school see should
    some something take than that the their them then there these they thing things this
    those time too try trying use very want wants was way well were what when where which
    while who why will with work would year years you your yours club clubs group day week
    weeks term lesson lessons pupil pupils able"""
STOP = frozenset(re.findall(r"[a-z]+", _STOP_WORDS))


@dataclass(frozen=True)
class Reason:
    """Why one opportunity is suggested: where the words came from and which words matched."""

    source: str  # "profile", "register" or "next_step"
    quote: str  # the pupil's words, the domain's name, or the next step
    matched: tuple[str, ...] = ()

    @property
    def sentence(self) -> str:
        if self.source == "register":
            return f"because you are on the register for {self.quote}"
        if self.source == "next_step":
            return f"because your next step says ‘{self.quote}’"
        return f"because you wrote ‘{self.quote}’"


@dataclass(frozen=True)
class Suggestion:
    opportunity_id: int
    reasons: tuple[Reason, ...]

    @property
    def sentence(self) -> str:
        """The first reason, as the menu says it after "Suggested for you —"."""
        return self.reasons[0].sentence


@dataclass
class Signals:
    """What one pupil record offers to match: phrases of their own words, register domains,
    open next steps."""

    phrases: list[tuple[str, frozenset[str]]] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    next_steps: list[tuple[str, frozenset[str]]] = field(default_factory=list)


def _stem(word: str) -> str:
    """A plural to its singular, roughly ("dinosaurs", "boxes"), so "robots" meets "robot"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> frozenset[str]:
    """The words of ``text`` that can say something: three letters or more, not common."""
    found = re.findall(r"[a-z]+", (text or "").lower())
    return frozenset(_stem(w) for w in found if len(w) >= 3 and w not in STOP)


def _phrases(text: str) -> list[str]:
    """A pupil's answer as the phrases they wrote: by sentence, line or comma."""
    parts = re.split(r"[.!?;\n]+|,\s", text or "")
    return [" ".join(p.split()) for p in parts if p.strip()]


def _quote(text: str) -> str:
    if len(text) <= QUOTE_CHARS:
        return text
    return text[:QUOTE_CHARS].rsplit(" ", 1)[0] + "…"


def schools_with_suggestions(school_ids) -> set[int]:
    """Of these schools, those that turned suggestions on (one query)."""
    return set(
        Personalisation.objects.filter(school_id__in=school_ids, suggestions_on=True).values_list(
            "school_id", flat=True
        )
    )


def register_domains(records: list[Pupil]) -> dict[int, list[str]]:
    """Each record's domains on its current register entry, when it is identified this
    academic year (one query). The menu marks the opportunities serving them whether or not
    suggestions are on: it is the school's own decision, which the pupil knows."""
    out: dict[int, list[str]] = {r.pk: [] for r in records}
    if not records:
        return out
    entries = RegisterEntry.objects.filter(
        pupil__in=records,
        current=True,
        academic_year=academic_year(),
        status=RegisterEntry.Status.IDENTIFIED,
    ).values_list("pupil_id", "domains")
    for pupil_id, domains in entries:
        out[pupil_id] = [d for d in domains or [] if d in DOMAINS]
    return out


def signals_of(
    records: list[Pupil], domains: dict[int, list[str]] | None = None
) -> dict[int, Signals]:
    """Each pupil record's words, domains and next steps (two queries, three without
    ``domains``, for any number of records). Read only where suggestions are on."""
    domains = register_domains(records) if domains is None else domains
    out = {r.pk: Signals(domains=list(domains.get(r.pk, []))) for r in records}
    if not records:
        return out
    for profile in LearnerProfile.objects.filter(pupil__in=records):
        for name in PROFILE_READ:
            for phrase in _phrases(getattr(profile, name)):
                out[profile.pupil_id].phrases.append((phrase, words(phrase)))
    by_account = {r.account_id: r.pk for r in records if r.account_id}
    if by_account:
        steps = (
            Comment.objects.filter(
                kind=Comment.Kind.NEXT_STEP,
                state=Comment.State.OPEN,
                portfolio__members__in=list(by_account),
            )
            .order_by("-created_at", "-pk")
            .values_list("portfolio__members", "body")
        )
        for account_id, body in steps:
            if account_id in by_account:
                text = " ".join(body.split())
                out[by_account[account_id]].next_steps.append((text, words(text)))
    return out


def opportunity_words(opportunity: Opportunity) -> frozenset[str]:
    subjects = " ".join(f"{s} {DOMAINS.get(s, '')}" for s in opportunity.subjects or [])
    return words(f"{opportunity.title} {opportunity.description} {subjects}")


def reasons_for(signals: Signals, opportunity: Opportunity) -> tuple[Reason, ...]:
    """Every reason this pupil's signals give for this opportunity (none: not suggested)."""
    found: list[Reason] = []
    own = opportunity_words(opportunity)
    for domain in signals.domains:
        if domain in (opportunity.subjects or []):
            found.append(Reason("register", DOMAINS[domain], (domain,)))
    for phrase, said in signals.phrases:
        matched = sorted(said & own)
        if matched:
            found.append(Reason("profile", _quote(phrase), tuple(matched)))
    for step, said in signals.next_steps:
        matched = sorted(said & own)
        if matched:
            found.append(Reason("next_step", _quote(step), tuple(matched)))
    # The pupil's own words first: they wrote them to be heard.
    order = {"profile": 0, "register": 1, "next_step": 2}
    return tuple(sorted(found, key=lambda r: order[r.source]))


def for_records(
    records: list[Pupil],
    opportunities: list[Opportunity],
    *,
    on: set[int] | None = None,
    domains: dict[int, list[str]] | None = None,
) -> dict[int, Suggestion]:
    """The suggested opportunities among ``opportunities``, by id, for the pupil records whose
    school has suggestions on (``on``: those schools' ids, read when not given); nothing at all
    for the others, and nothing of theirs is read. ``records`` and ``opportunities`` have
    already passed access. Up to four queries, for any number."""
    if on is None:
        on = schools_with_suggestions({r.school_id for r in records})
    records = [r for r in records if r.school_id in on]
    if not records:
        return {}
    signals = signals_of(records, domains)
    out: dict[int, Suggestion] = {}
    for record in records:
        mine = signals[record.pk]
        for opportunity in opportunities:
            if opportunity.school_id != record.school_id:
                continue
            reasons = reasons_for(mine, opportunity)
            if reasons:
                out[opportunity.pk] = Suggestion(opportunity.pk, reasons)
    return out
