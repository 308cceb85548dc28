"""The tests' own helpers, which other tests lean on: the app's code follows the device after a
step ended mid-check, and a page's random tokens can be taken out before looking for a word."""

import time

from django.urls import reverse
from django_otp.oath import TOTP

from risingtide.lib.testing import without_tokens
from risingtide.twofactor.tests.factors import code, give_app


def test_the_next_code_follows_a_device_that_counts_the_app_one_step_behind(world):
    device = give_app(world.user("leading_teacher@own"))
    # As after a code made just before a step ended and checked just after: django-otp took
    # it as the step before and now counts the app one step behind.
    now = TOTP(device.bin_key, device.step, device.t0, device.digits).t()
    device.drift, device.last_t = -1, now - 1
    device.save()
    assert device.verify_token(code(device, step=1))
    assert device.last_t == int(time.time()) // device.step  # the step the app now shows


def test_a_page_without_its_tokens_keeps_everything_else(world, client_for):
    page = client_for(world.user("teacher@own")).get(reverse("home:home")).content.decode()
    assert 'csrfmiddlewaretoken" value="' in page or '"X-CSRFToken": "' in page
    stripped = without_tokens(page)
    assert '"X-CSRFToken": ""' in stripped
    assert 'csrfmiddlewaretoken" value=""' in stripped or "csrfmiddlewaretoken" not in page
    assert len(page) - len(stripped) >= 64  # at least the token htmx sends
