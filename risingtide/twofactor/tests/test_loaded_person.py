"""The second-factor middleware hands the page the signed-in person itself, once loaded, not
through the lazy wrappers (it never loads anyone a page did not need)."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.functional import LazyObject, SimpleLazyObject

from risingtide.people.models import User
from risingtide.twofactor.middleware import _loaded


def test_a_signed_in_page_reads_the_person_itself(world, client_for):
    teacher = world.user("teacher@own")
    response = client_for(teacher).get(reverse("people:password_change"))
    assert response.status_code == 200
    person = response.wsgi_request.user
    assert type(person) is User and person.pk == teacher.pk
    assert hasattr(person, "otp_device")  # django-otp's work on it is kept


def test_a_public_page_loads_nobody(client):
    response = client.get(reverse("people:login"))
    assert isinstance(response.wsgi_request.user, LazyObject)


def test_loaded_unwraps_only_what_is_worked_out():
    calls = []

    def load():
        calls.append(1)
        return AnonymousUser()

    waiting = SimpleLazyObject(load)
    assert _loaded(waiting) is waiting and calls == []
    outer = SimpleLazyObject(lambda: waiting)
    assert outer.is_authenticated is False
    assert type(_loaded(outer)) is AnonymousUser and calls == [1]
