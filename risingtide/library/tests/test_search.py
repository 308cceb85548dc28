"""Searching the library: words (ranked), filters, pages, and the same answers on both
databases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.library import queries, search, services
from risingtide.library.models import Resource
from risingtide.library.queries import Filters


def _publish(user, title, description="", **details):
    values = {
        "title": title,
        "description": description,
        "subject": "science",
        "key_stage": "ks3",
        "stage": "",
        "licence": Resource.Licence.CC_BY,
        "audience": Resource.Audience.EVERYONE,
    }
    values.update(details)
    return services.publish(
        user, Resource.Kind.LESSON_PLAN, services.Details(**values), body="A plan"
    )


def _titles(user, **filters) -> list[str]:
    return [r.title for r in queries.search(user, Filters(**filters), per_page=50).resources]


def test_reading_what_a_teacher_types():
    parsed = search.parse('wind "solar panels" or turbines -nuclear the of')
    assert parsed.groups == [[("wind",)], [("solar", "panels"), ("turbines",)]]
    assert parsed.excluded == [("nuclear",)]
    assert search.fts5_query(parsed) == (
        '(("wind") AND ("solar panels" OR "turbines")) NOT "nuclear"'
    )
    assert not search.parse("the of and")  # only common words: nothing to search for
    assert not search.parse('"" - -- ')
    # FTS5 operators and punctuation are words, never syntax.
    assert search.fts5_query(search.parse("NEAR(a b) AND* col:x")) == (
        '("near") AND ("b") AND ("col x")'
    )


@pytest.mark.django_db
def test_a_title_match_ranks_above_a_description_match(world):
    teacher, reader = world.user("teacher@own"), world.user("teacher@other")
    _publish(teacher, "Rivers and flooding", "We look at a tidal lagoon near the river.")
    _publish(teacher, "Tidal lagoon debate", "A role play for the council meeting.")
    _publish(teacher, "Volcanoes", "Nothing about that here.")
    assert _titles(reader, text="tidal lagoon") == ["Tidal lagoon debate", "Rivers and flooding"]
    # Both databases stem English words: "lagoons" and "debating" find "lagoon" and "debate".
    assert _titles(reader, text="lagoons debating") == ["Tidal lagoon debate"]
    assert _titles(reader, text="tidal -council") == ["Rivers and flooding"]
    assert _titles(reader, text='"lagoon debate"') == ["Tidal lagoon debate"]
    assert set(_titles(reader, text="volcano or river")) == {"Volcanoes", "Rivers and flooding"}
    assert _titles(reader, text="volcano river") == []


@pytest.mark.django_db
def test_subject_words_find_a_resource_filed_under_it(world):
    teacher = world.user("teacher@own")
    _publish(teacher, "Bridges from straws", subject="dt")
    assert set(_titles(teacher, text="design technology")) == {
        "Bridges from straws",
        "Young inventors: solve a problem at home",  # the starter set's
    }


@pytest.mark.django_db
def test_search_words_see_only_what_the_reader_may(world):
    # The tiny world's resources all say "Shared by own/other" in their descriptions.
    assert set(_titles(world.user("teacher@other"), text="shared")) == {"other_everyone resource"}
    assert set(_titles(world.user("leading_teacher@peer"), text="shared")) == {
        "own_la resource",
        "other_everyone resource",
    }
    # Withdrawn resources are in no one's results, only in the author's own list.
    assert "own_withdrawn resource" not in _titles(world.user("teacher@own"), text="shared")
    assert set(_titles(world.user("teacher@own"), mine=True)) == {
        "own_school resource",
        "own_la resource",
        "own_withdrawn resource",
    }


@pytest.mark.django_db
def test_changes_reach_the_index(world):
    teacher = world.user("teacher@own")
    resource = _publish(teacher, "Pond dipping")
    details = services.Details(
        **{n: getattr(resource, n) for n in services.Details.__dataclass_fields__}
    )
    details.title = "Rock pooling"
    services.update(teacher, resource, details)
    assert _titles(teacher, text="pond") == []
    assert _titles(teacher, text="rock pools") == ["Rock pooling"]
    resource.delete()
    assert _titles(teacher, text="rock") == []


@pytest.mark.django_db
def test_filters(world):
    teacher = world.user("teacher@own")
    _publish(teacher, "Fractions KS2", subject="music", key_stage="ks2", stage="gather")
    _publish(teacher, "Any age music", subject="music", key_stage="", licence="cc0-1.0")
    _publish(teacher, "School only", subject="music", audience=Resource.Audience.SCHOOL)
    reader = world.user("teacher@own")
    assert set(_titles(reader, subject="music")) == {
        "Fractions KS2",
        "Any age music",
        "School only",
    }
    # A resource for any key stage suits every key stage.
    assert set(_titles(reader, subject="music", key_stage="ks2")) == {
        "Fractions KS2",
        "Any age music",
    }
    # So does one for no stage in particular.
    assert set(_titles(reader, subject="music", stage="gather")) == {
        "Fractions KS2",
        "Any age music",
        "School only",
    }
    assert set(_titles(reader, subject="music", stage="decide")) == {"Any age music", "School only"}
    assert _titles(reader, subject="music", licence="cc0-1.0") == ["Any age music"]
    assert _titles(reader, subject="music", audience="school") == ["School only"]
    assert set(_titles(reader, kind="example")) == set(
        Resource.objects.filter(kind="example").values_list("title", flat=True)
    )
    got = Filters.from_query({"kind": "bogus", "subject": "maths", "q": "  x  ", "mine": "1"})
    assert got == Filters(text="x", subject="maths", mine=True)


@pytest.mark.django_db
def test_pages_of_results(world):
    teacher = world.user("teacher@own")
    for n in range(5):
        _publish(teacher, f"Paged {n}", subject="languages")
    first = queries.search(teacher, Filters(subject="languages"), page=1, per_page=2)
    assert first.count == 5 and first.pages == 3 and first.next_page == 2
    assert [r.title for r in first.resources] == ["Paged 4", "Paged 3"]  # newest first
    last = queries.search(teacher, Filters(subject="languages"), page=99, per_page=2)
    assert last.page == 3 and [r.title for r in last.resources] == ["Paged 0"]


@pytest.mark.django_db
def test_search_page_makes_a_fixed_number_of_queries(world, client_for):
    teacher = world.user("teacher@own")
    client = client_for(teacher)
    urls = [
        reverse("library:search"),
        reverse("library:search") + "?q=bees+hotel&subject=science",
        reverse("library:search") + "?kind=template&key_stage=ks3&page=2",
    ]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            found.append(len(ctx))
        return found

    counts()  # a session's first page also builds the person's menu, kept for the next ones
    before = counts()
    other = world.user("teacher@other")
    for n in range(25):
        resource = _publish(other, f"Bee hotel {n}", "Bees and a hotel", subject="science")
        services.review(teacher, resource, 4, "Good")
    after = counts()
    assert before == after
    assert max(after) <= 12


@pytest.mark.django_db
def test_a_page_past_the_end_shows_the_last_and_a_search_is_two_queries(
    world, django_assert_num_queries
):
    teacher = world.user("teacher@own")
    for n in range(3):
        _publish(teacher, f"Orienteering {n}", subject="pe")
    reader = world.user("teacher@own")
    queries.search(reader, Filters())  # reads the person's memberships once
    with django_assert_num_queries(2):
        page = queries.search(reader, Filters(text="orienteering", subject="pe"))
    assert page.count == 3 and page.ranked
    with django_assert_num_queries(4):
        late = queries.search(reader, Filters(subject="pe"), page=7, per_page=2)
    assert late.page == 2 and [r.title for r in late.resources] == ["Orienteering 0"]
    empty = queries.search(reader, Filters(text="zzzz"))
    assert empty.count == 0 and empty.pages == 1 and empty.resources == []


@pytest.mark.django_db
def test_the_index_is_put_back_if_a_schema_change_dropped_it(world):
    """Django rebuilds a SQLite table for many changes, dropping its triggers: ``install`` (run
    after every migrate) restores them and indexes what was written meanwhile."""
    if connection.vendor != "sqlite":
        search.install(connection)  # idempotent: the column is there already
        assert _titles(world.user("teacher@own"), text="shared")
        return
    with connection.cursor() as cursor:
        for trigger in search.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {trigger}")
    teacher = world.user("teacher@own")
    _publish(teacher, "Written while the triggers were gone")
    assert _titles(teacher, text="triggers gone") == []
    search.install(connection)
    assert _titles(teacher, text="triggers gone") == ["Written while the triggers were gone"]
    _publish(teacher, "Written after, triggers back")
    assert len(_titles(teacher, text="triggers")) == 2
