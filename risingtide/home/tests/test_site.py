"""Sign-in, throttling, error pages and the headers every response carries."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def sign_in(client, username, password):
    return client.post(reverse("people:login"), {"username": username, "password": password})


def test_sign_in_and_out(world, client):
    response = sign_in(client, "teacher.own", world.PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home:home")
    assert client.get(reverse("home:home")).status_code == 200
    assert client.post(reverse("people:logout"))["Location"] == reverse("people:login")
    assert client.get(reverse("home:home")).status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_generic_message(world, client):
    wrong = sign_in(client, "teacher.own", "nope").content.decode()
    unknown = sign_in(client, "no.such.user", "nope").content.decode()
    message = "That sign-in name and password do not match an account."
    assert message in wrong and message in unknown


def test_repeated_failures_are_throttled_with_a_clear_message(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "teacher.own", "nope").status_code == 200
    locked = sign_in(client, "teacher.own", "nope")
    assert locked.status_code == 429
    assert "Too many tries" in locked.content.decode()
    # Even the right password is refused while locked; others at the same address are not.
    assert sign_in(client, "teacher.own", world.PASSWORD).status_code == 429
    assert sign_in(client, "head.own", world.PASSWORD).status_code == 302


def test_unknown_url_is_a_404_page(world, client_for):
    response = client_for(world.user("teacher@own")).get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_an_api_address_no_operation_answers_is_a_json_404(world):
    """Found by fuzzing the API (tests/fuzz/): a stage the document calls a string but with
    characters no slug has (the URL takes a slug) matched no URL and got the HTML page; a
    client of the API reads JSON, in the shape of every other refusal."""
    from risingtide.api.tests.clients import as_user, call

    client = as_user(world.user("pupil@own"))
    portfolio = world.portfolios["own"].pk
    for method, path in (
        ("get", f"/portfolios/{portfolio}/tools/a%20b"),
        ("put", f"/portfolios/{portfolio}/stages/%C1%03"),
    ):
        response = call(client, method, path, {"done": True} if method == "put" else None)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}


def test_a_server_error_under_the_api_is_answered_in_json(rf):
    from risingtide.home.views import server_error

    response = server_error(rf.get("/api/v1/me"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "Traceback" not in response.content.decode()
    assert server_error(rf.get("/no/such/page/"))["Content-Type"].startswith("text/html")


def test_wrong_method_is_a_405_page(world, client_for):
    response = client_for(world.user("teacher@own")).delete(reverse("home:home"))
    assert response.status_code == 405
    assert "That does not work on this page" in response.content.decode()


def test_missing_csrf_token_is_a_403_page(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("teacher@own"))
    response = client.post(
        reverse("people:add_pupils", args=[world.groups["own"].pk]),
        {"pupils": "Amira Khan"},
        secure=True,
    )
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_security_headers_and_csp_without_inline_script(world, client):
    response = client.get(reverse("people:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "max-age=31536000" in response["Strict-Transport-Security"]
    page = response.content.decode()
    assert "<script>" not in page and " style=" not in page and "onclick" not in page


def test_plain_http_is_redirected_to_https(world):
    response = Client().get(reverse("people:login"))
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_healthz_is_bare(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.content == b"ok"


def test_password_reset_by_email(world, client, mailoutbox):
    user = world.user("teacher@own")
    user.email = "teacher@example.org"
    user.save()
    response = client.post(reverse("people:password_reset"), {"email": "teacher@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("people:password_reset_done")
    assert len(mailoutbox) == 1 and "/accounts/reset/" in mailoutbox[0].body
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-much-longer-pass-42", "new_password2": "a-much-longer-pass-42"},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("people:password_reset_complete")
    assert sign_in(client, "teacher.own", "a-much-longer-pass-42").status_code == 302


def test_admin_pages_render_for_site_admin(world, client_for):
    client = client_for(world.user("site_admin@site"))
    for url in [
        "/admin/",
        "/admin/people/user/",
        "/admin/schools/school/",
        "/admin/people/membership/",
    ]:
        assert client.get(url).status_code == 200, url


def test_lockout_message_says_how_long_in_minutes(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "teacher.own", "nope")
    assert "paused for 15 minutes" in response.content.decode()


def test_one_address_cannot_spray_guesses_across_many_names(world, client, settings):
    settings.LOGIN_ADDRESS_LIMIT = 6
    for name in ("ada", "ben", "cy"):
        for _ in range(2):
            sign_in(client, name, "guess")
    response = sign_in(client, "head.own", world.PASSWORD)
    assert response.status_code == 429
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert sign_in(other, "head.own", world.PASSWORD).status_code in (301, 302)


def test_one_name_cannot_be_guessed_from_many_addresses(world, settings):
    settings.LOGIN_ACCOUNT_LIMIT = 6
    for n in range(3):
        attacker = Client(REMOTE_ADDR=f"203.0.113.{n}")
        for _ in range(2):
            attacker.post(
                reverse("people:login"), {"username": "head.own", "password": "x"}, secure=True
            )
    owner = Client(REMOTE_ADDR="198.51.100.1")
    response = owner.post(
        reverse("people:login"), {"username": "head.own", "password": world.PASSWORD}, secure=True
    )
    assert response.status_code == 429


def test_behind_a_proxy_the_forwarded_address_is_used(rf, settings):
    from risingtide.people.throttle import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    assert client_ip(request) == "10.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "5.6.7.8"
    settings.PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"


def test_signed_in_pages_are_not_cached(world, client_for):
    response = client_for(world.user("teacher@own")).get(reverse("home:home"))
    assert response["Cache-Control"] == "private, no-store"


def test_healthz_stays_bare_for_a_signed_in_client(world, client_for, django_assert_num_queries):
    client = client_for(world.user("teacher@own"))
    with django_assert_num_queries(0):
        assert client.get("/healthz").content == b"ok"


def test_nul_characters_are_refused_before_the_database(world, client_for):
    client = client_for(world.user("pupil@own"))
    item = world.items["own"]
    url = reverse("portfolios:annotate", args=[item.pk])
    response = client.post(url, {"text": "a\x00b"})  # multipart, as the test client sends
    assert response.status_code == 400
    form = client.post(url, "text=a%00b", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 400
    assert "cannot be saved" in response.content.decode()
    assert (
        client.get(
            reverse("portfolios:portfolio", args=[item.portfolio_id]), {"q": "x\x00"}
        ).status_code
        == 400
    )
    assert not item.annotations.exists()
