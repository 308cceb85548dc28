"""Every model that holds something about a person is declared in its app's personal_data.py:
a model added with a link to a person (or to a record about one) cannot escape the export and
the erasure."""

from django.apps import apps
from django.conf import settings

from risingtide.lib.personal_data import HOLDINGS, PUPIL_RECORD, Holding, Person, target_of


def undeclared(models, holdings: dict[str, Holding]) -> list[str]:
    """Each model with a foreign key, one-to-one or many-to-many to a person (the user model,
    the pupil record) or to a declared model that is about someone, and not itself declared."""
    personal = {settings.AUTH_USER_MODEL, PUPIL_RECORD}
    personal |= {label for label, h in holdings.items() if h.personal}
    missing = []
    for model in models:
        label = model._meta.label
        if label in holdings:
            continue
        for field in model._meta.get_fields():
            if field.auto_created or not field.is_relation or field.related_model is None:
                continue
            if field.related_model._meta.label in personal:
                missing.append(f"{label}.{field.name} → {field.related_model._meta.label}")
    return missing


def _ours():
    return [m for m in apps.get_models() if m.__module__.startswith("risingtide.")]


def test_every_model_linked_to_a_person_is_declared():
    missing = undeclared(_ours(), HOLDINGS)
    assert not missing, "declare these in their app's personal_data.py:\n" + "\n".join(missing)


def test_the_walk_finds_a_model_left_out():
    """The check above can fail: leave one declaration out and it is named, and so is a model
    that points at a model only because that one is about someone."""
    without = {k: v for k, v in HOLDINGS.items() if k != "portfolios.StageProgress"}
    assert undeclared(_ours(), without) == [
        "portfolios.StageProgress.portfolio → portfolios.Portfolio"
    ]
    without = {k: v for k, v in HOLDINGS.items() if k != "feedback.ThreadRead"}
    assert "feedback.ThreadRead.user → people.User" in undeclared(_ours(), without)


def test_every_declaration_names_a_model_and_real_paths_to_a_person():
    person = Person(user_id=1, pupil_id=1)
    for label, holding in HOLDINGS.items():
        assert holding.about or holding.named, f"{label} names no way to a person"
        model = holding.model_class  # LookupError for a model that is not there
        for path in (*holding.about, *holding.named):
            if isinstance(path, str):
                end = target_of(model, path)._meta.label
                assert end in (settings.AUTH_USER_MODEL, PUPIL_RECORD), f"{label}: {path}"
        for secret in holding.secret:
            model._meta.get_field(secret)
        assert str(holding.rows(person).query)  # the filter builds


def test_every_link_to_a_person_in_a_declared_model_is_one_of_its_paths():
    """A new field naming a person in a declared model is not silently left out either (apart
    from those a declaration says it leaves: a thread's last writer is on the thread anyway)."""
    left_out = {"feedback.Comment.last_message_by"}
    missing = []
    for label, holding in HOLDINGS.items():
        paths = {p.split("__")[0] for p in (*holding.about, *holding.named) if isinstance(p, str)}
        for field in holding.model_class._meta.get_fields():
            if field.auto_created or not field.is_relation or field.related_model is None:
                continue
            end = field.related_model._meta.label
            if end not in (settings.AUTH_USER_MODEL, PUPIL_RECORD) or field.name in paths:
                continue
            if f"{label}.{field.name}" not in left_out and not _self_link(label, field):
                missing.append(f"{label}.{field.name}")
    assert not missing, missing


def _self_link(label: str, field) -> bool:
    return label == "register.Pupil" and field.name == "account"
