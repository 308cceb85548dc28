"""The catalogue's full-text search, the same on SQLite (FTS5) and PostgreSQL (tsvector): by
title, provider name and description, stemmed, with phrases, ``or`` and ``-word``; a title
match first; a renamed provider found by its new name; the filters still apply; and an index
that comes back if its triggers are lost."""

import pytest
from django.db import connection

from risingtide.provision import queries, search
from risingtide.provision.models import Service

pytestmark = pytest.mark.django_db


def make(w, title, summary="", provider="own", **extra):
    fields = dict(
        provider=w.providers[provider],
        title=title,
        summary=summary,
        kind=Service.Kind.MENTORING,
        audience=Service.Audience.PUPILS,
        format=Service.Format.ONLINE,
        price=50,
        status=Service.Status.PUBLISHED,
    )
    return Service.objects.create(**{**fields, **extra})


def found(w, text, who="teacher@own", **filters):
    wanted = queries.wanted_by(w.user(who), text=text, **filters)
    return [s.title for s in queries.catalogue(w.user(who), wanted)]


@pytest.fixture
def shelf(world):
    w = world
    for key, name in (("own", "Quill Writers"), ("other", "Cogwheel Trust")):
        w.providers[key].name = name
        w.providers[key].save()
    make(w, "Creative writing weekend", "Poems and short stories with published authors.")
    make(w, "Robotics club", "Build robots; some creative coding.", provider="other")
    make(w, "Astronomy nights", "Telescopes and the planets.", kind=Service.Kind.MASTERCLASS)
    make(w, "Hidden", "creative", status=Service.Status.DRAFT)
    return w


def test_title_and_description_words_stemmed_title_first(shelf):
    assert found(shelf, "creative") == ["Creative writing weekend", "Robotics club"]
    assert found(shelf, "poem") == ["Creative writing weekend"]  # stemmed: "Poems"
    assert found(shelf, "the planets") == ["Astronomy nights"]  # "the" is ignored


def test_provider_name_phrases_or_and_exclusion(shelf):
    assert found(shelf, "cogwheel") == ["Robotics club"]
    assert found(shelf, "quill poems") == ["Creative writing weekend"]
    assert found(shelf, '"short stories"') == ["Creative writing weekend"]
    assert found(shelf, '"stories short"') == []
    assert sorted(found(shelf, "telescopes or robots")) == ["Astronomy nights", "Robotics club"]
    assert found(shelf, "creative -robots") == ["Creative writing weekend"]


def test_filters_apply_to_what_is_found(shelf):
    assert found(shelf, "creative", kind="mentoring") == [
        "Creative writing weekend",
        "Robotics club",
    ]
    assert found(shelf, "planets", kind="mentoring") == []
    # Drafts only for those who see every state.
    assert "Hidden" not in found(shelf, "creative", status="draft")
    assert found(shelf, "creative", who="national_officer@nation", status="draft") == ["Hidden"]


def test_a_renamed_provider_and_a_changed_service_are_found_by_their_new_words(shelf):
    w = shelf
    w.providers["other"].name = "Makerspace Trust"
    w.providers["other"].save()
    assert found(w, "makerspace") == ["Robotics club"]
    assert found(w, "cogwheel") == []
    service = Service.objects.get(title="Astronomy nights")
    service.summary = "Dark skies and comets."
    service.save()
    assert found(w, "comets") == ["Astronomy nights"] and found(w, "telescopes") == []
    service.delete()
    assert found(w, "comets") == []


def test_nothing_to_search_for_lists_everything_in_title_order(shelf):
    assert found(shelf, "the of") == [
        "Astronomy nights",
        "Creative writing weekend",
        "Robotics club",
    ]


def test_what_is_typed_is_never_sql_or_an_operator(shelf):
    for text in ['"', "NEAR(", "x' OR 1=1 --", "title:creative", "*", "-", "AND OR NOT"]:
        found(shelf, text)  # no error
    assert found(shelf, "robot*") == found(shelf, "robot")  # the star is no operator


def test_install_puts_back_a_lost_index(shelf):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # PostgreSQL alters no table with checks pending
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    search.uninstall(connection)
    search.install(connection)
    assert found(shelf, "telescopes") == ["Astronomy nights"]
    search.install(connection)  # again: nothing to do
    make(shelf, "Chess masters")
    assert found(shelf, "chess") == ["Chess masters"]


def test_part_of_a_word_finds_what_holds_it_when_no_whole_word_matches(shelf):
    assert found(shelf, "astro") == ["Astronomy nights"]
    assert found(shelf, "cogwh") == ["Robotics club"]  # part of the provider's name
    assert found(shelf, "astro", kind="competition") == []  # the filters still apply
    assert found(shelf, "zzqx") == []
