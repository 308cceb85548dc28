"""The clipping fetcher: refuses every way into a private network without making a connection,
and keeps to its limits on size, time and redirects.

The ``net`` fixture replaces the resolver with a table and records every connection attempt; a
connection anywhere but loopback fails the test outright (an ``AssertionError`` the fetcher
does not catch), so a bypass cannot pass as an ordinary refusal. Local pages come from a real
HTTP server on 127.0.0.1, reached only through the ``FETCH_ALLOW_HOSTS`` allow-list.
"""

import functools
import gzip
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from risingtide.lib.fetch import client as fetch_module
from risingtide.lib.fetch.addresses import FetchRefused, address_refusal
from risingtide.lib.fetch.client import IMAGE_TYPES, JSON_TYPES, fetch

PAGE = b"<!doctype html><html><head><title>Rock pools</title></head><body><p>Crabs.</p></body>"


class Net:
    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []
        self.lookups: list[str] = []
        self.dns: dict[str, object] = {}


@pytest.fixture
def net(monkeypatch):
    """A resolver answering from ``net.dns`` only, and a record of every connection attempt."""
    record = Net()
    guarded_connect = socket.socket.connect  # conftest's loopback-only guard

    def connect(self, address):
        record.connects.append((address[0], address[1]))
        if not ipaddress.ip_address(address[0].split("%")[0]).is_loopback:
            raise AssertionError(f"the fetcher tried to connect to {address!r}")
        return guarded_connect(self, address)

    def refuse(*args, **kwargs):
        record.connects.append(args[0] if args else ("?", 0))
        raise AssertionError(f"unexpected connection: {args!r}")

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        record.lookups.append(host)
        answer = record.dns.get(host)
        if callable(answer):
            answer = answer()
        if not answer:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        infos = []
        for ip in answer:
            if ":" in ip:
                infos.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, port, 0, 0)))
            else:
                infos.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)))
        return infos

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return record


class PageServer:
    """A local web server whose pages are functions of the request handler."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, object] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.bodies: list[tuple[str, bytes]] = []  # (method, body) of each request, in order
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                length = int(self.headers.get("Content-Length") or 0)
                server.bodies.append((self.command, self.rfile.read(length) if length else b""))
                route = server.routes.get(self.path.split("?")[0])
                try:
                    if route is None:
                        respond(self, b"missing", status=404)
                    else:
                        route(self)
                except OSError:
                    pass  # the fetcher hung up, as it should have

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def close(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def respond(handler, body: bytes = PAGE, *, status=200, ctype="text/html; charset=utf-8", **extra):
    handler.send_response(status)
    if ctype:
        handler.send_header("Content-Type", ctype)
    headers = {name.replace("_", "-"): value for name, value in extra.items()}
    headers.setdefault("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(body)


def redirect(location: str, status: int = 302):
    return lambda h: respond(h, b"", status=status, ctype=None, Location=location)


@pytest.fixture
def server(net, settings):
    page_server = PageServer()
    settings.FETCH_ALLOW_HOSTS = [f"127.0.0.1:{page_server.port}"]
    yield page_server
    page_server.close()


def assert_refused(url, reason, net=None, **kwargs):
    with pytest.raises(FetchRefused) as refused:
        fetch(url, **kwargs)
    assert reason in refused.value.reason
    if net is not None:
        assert net.connects == []
    return refused.value


# --- Refused before any connection ----------------------------------------------------------

THIS_SERVER = "on this server"
PRIVATE = "on a private network"
NOT_PUBLIC = "not a public website"
ODD_NUMBER = "a number written in an unusual way"

LITERAL_FORMS = [
    ("http://127.0.0.1/", THIS_SERVER),
    ("http://127.0.0.1./", THIS_SERVER),
    ("http://127.255.255.254/", THIS_SERVER),
    ("HTTP://127.0.0.1:80/", THIS_SERVER),
    ("https://127.0.0.1/", THIS_SERVER),
    ("http://0.0.0.0/", THIS_SERVER),
    ("http://10.0.0.1/", PRIVATE),
    ("http://10.255.255.255/", PRIVATE),
    ("http://172.16.0.1/", PRIVATE),
    ("http://172.31.255.254/", PRIVATE),
    ("http://192.168.1.1/", PRIVATE),
    ("http://169.254.169.254/latest/meta-data/", PRIVATE),
    ("http://100.64.0.1/", PRIVATE),
    ("http://100.100.100.200/", PRIVATE),
    ("http://168.63.129.16/", PRIVATE),
    ("http://192.0.0.192/", PRIVATE),
    ("http://224.0.0.1/", NOT_PUBLIC),
    ("http://255.255.255.255/", NOT_PUBLIC),
    ("http://[::1]/", THIS_SERVER),
    ("http://[0:0:0:0:0:0:0:1]/", THIS_SERVER),
    ("http://[::]/", THIS_SERVER),
    ("http://[::ffff:127.0.0.1]/", THIS_SERVER),
    ("http://[::ffff:7f00:1]/", THIS_SERVER),
    ("http://[0:0:0:0:0:FFFF:10.0.0.1]/", PRIVATE),
    ("http://[::ffff:169.254.169.254]/", PRIVATE),
    ("http://[::127.0.0.1]/", THIS_SERVER),
    ("http://[2002:7f00:1::]/", THIS_SERVER),
    ("http://[2002:a9fe:a9fe::1]/", PRIVATE),
    ("http://[64:ff9b::a00:1]/", PRIVATE),
    ("http://[64:ff9b::7f00:1]/", THIS_SERVER),
    ("http://[fd00:ec2::254]/", PRIVATE),
    ("http://[fc00::1]/", PRIVATE),
    ("http://[fe80::1]/", PRIVATE),
    ("http://[fec0::1]/", PRIVATE),
    ("http://[ff02::1]/", NOT_PUBLIC),
    ("http://[2001:db8::1]/", NOT_PUBLIC),
    ("http://2130706433/", ODD_NUMBER),
    ("http://0x7f000001/", ODD_NUMBER),
    ("http://0X7F000001/", ODD_NUMBER),
    ("http://0x7f.0.0.1/", ODD_NUMBER),
    ("http://0177.0.0.1/", ODD_NUMBER),
    ("http://0177.0000.0000.0001/", ODD_NUMBER),
    ("http://127.1/", ODD_NUMBER),
    ("http://127.0.1/", ODD_NUMBER),
    ("http://012.0.0.1/", ODD_NUMBER),
    ("http://167772161/", ODD_NUMBER),  # 10.0.0.1
    ("http://2852039166/", ODD_NUMBER),  # 169.254.169.254
    ("http://0xa9fea9fe/", ODD_NUMBER),
    ("http://0251.0376.0251.0376/", ODD_NUMBER),
    ("http://0x/", ODD_NUMBER),
    ("http://１２７。０。０。１/", THIS_SERVER),  # full-width digits and dots
    ("http://localhost/", THIS_SERVER),
    ("http://LOCALHOST./", THIS_SERVER),
    ("http://localhost:8000/", THIS_SERVER),
    ("http://anything.localhost/", THIS_SERVER),
    ("http://intranet/", NOT_PUBLIC),
]


@pytest.mark.parametrize(("url", "reason"), LITERAL_FORMS)
def test_addresses_refused_without_resolving_or_connecting(net, url, reason):
    assert_refused(url, reason, net)
    assert net.lookups == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://example.com:70/", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("//example.com/", "only http and https"),
        ("example.com", "only http and https"),
        ("http://user:secret@example.com/", "user name or password"),
        ("http://@example.com/", "user name or password"),
        ("http://example.com@127.0.0.1/", "user name or password"),
        ("http://example.com:22/", "usual web ports"),
        ("http://example.com:6379/", "usual web ports"),
        ("https://example.com:80/", "usual web ports"),
        ("http://93.184.216.34:8080/", "usual web ports"),
        ("http://[fe80::1%25eth0]/", "not valid"),
        ("http://[::1/", "not valid"),
        ("http://example.com:99999/", "not valid"),
        ("http://exa mple.com/", "not valid"),
        ("http://example.com\\@127.0.0.1/", "not valid"),
        ("http://example.com\t.evil/", "not valid"),
        ("http://ex%61mple.com/", "not valid"),
        ("http://a..b.com/", "not valid"),
        ("http:///path", "no site name"),
    ],
)
def test_malformed_or_unsupported_links_refused(net, url, reason):
    assert_refused(url, reason, net)
    assert net.lookups == []


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (["10.1.2.3"], PRIVATE),
        (["192.168.0.10"], PRIVATE),
        (["172.20.0.5"], PRIVATE),
        (["127.0.0.1"], THIS_SERVER),
        (["169.254.169.254"], PRIVATE),
        (["100.64.1.1"], PRIVATE),
        (["::1"], THIS_SERVER),
        (["::ffff:10.0.0.1"], PRIVATE),
        (["fd00:ec2::254"], PRIVATE),
        (["64:ff9b::a9fe:a9fe"], PRIVATE),
        # One bad address among good ones is enough: the connection might use it.
        (["93.184.216.34", "10.0.0.1"], PRIVATE),
        (["2606:2800:220:1::1", "::1"], THIS_SERVER),
    ],
)
def test_a_name_that_resolves_to_a_private_address_is_refused(net, answer, reason):
    net.dns["clip.example.com"] = answer
    refused = assert_refused("http://clip.example.com/page", reason, net)
    assert net.lookups == ["clip.example.com"]
    assert refused.url == "http://clip.example.com/page"


def test_names_are_resolved_in_their_canonical_form(net):
    net.dns["xn--bcher-kva.example"] = ["10.0.0.1"]
    assert_refused("http://BÜCHER.example./", PRIVATE, net)
    assert net.lookups == ["xn--bcher-kva.example"]


def test_unknown_site(net):
    assert_refused("https://no-such-site.example/", "could not be found", net)


def test_slow_resolver_counts_against_the_deadline(net, settings):
    settings.FETCH_TIMEOUT_SECONDS = 0.3
    released = threading.Event()

    def slow():
        released.wait(5)
        return ["93.184.216.34"]

    net.dns["slow.example"] = slow
    started = time.monotonic()
    assert_refused("http://slow.example/", "took longer than 0.3 s", net)
    assert time.monotonic() - started < 3  # the name takes 5 s: the 0.3 s limit stopped it
    released.set()


def test_the_allow_list_is_empty_unless_configured(monkeypatch):
    from django.conf import settings

    if "RISINGTIDE_FETCH_ALLOW_HOSTS" in __import__("os").environ:
        pytest.skip("this run configures an allow-list")
    assert settings.FETCH_ALLOW_HOSTS == []


def test_a_local_server_not_on_the_allow_list_is_refused(net, settings):
    page_server = PageServer()
    try:
        settings.FETCH_ALLOW_HOSTS = []
        assert_refused(page_server.url("/"), THIS_SERVER, net)
        settings.FETCH_ALLOW_HOSTS = [f"127.0.0.1:{page_server.port + 1}"]
        assert_refused(page_server.url("/"), THIS_SERVER, net)
        assert page_server.requests == []
    finally:
        page_server.close()


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "64:ff9b::808:808"],
)
def test_public_addresses_are_allowed(address):
    assert address_refusal(ipaddress.ip_address(address)) is None


# --- Redirects --------------------------------------------------------------------------------

REDIRECT_TARGETS = [
    ("http://10.0.0.7/secret", PRIVATE),
    ("http://169.254.169.254/latest/meta-data/iam/", PRIVATE),
    ("http://[fd00:ec2::254]/", PRIVATE),
    ("http://[::1]:{port}/", THIS_SERVER),
    ("http://[::ffff:127.0.0.1]:{port}/", THIS_SERVER),
    ("http://localhost:{port}/", THIS_SERVER),
    ("http://127.0.0.2:{port}/", THIS_SERVER),
    ("http://2130706433:{port}/", ODD_NUMBER),
    ("http://0x7f000001:{port}/", ODD_NUMBER),
    ("http://private.example/", PRIVATE),  # resolves to 192.168.1.1
    ("file:///etc/passwd", "only http and https"),
    ("http://example.com:25/", "usual web ports"),
]


@pytest.mark.parametrize(("target", "reason"), REDIRECT_TARGETS)
def test_a_redirect_to_a_private_address_is_refused_without_connecting(server, net, target, reason):
    net.dns["private.example"] = ["192.168.1.1"]
    server.routes["/go"] = redirect(target.format(port=server.port))
    refused = assert_refused(server.url("/go"), reason)
    # The only connection made was the first, to the allow-listed page server.
    assert net.connects == [("127.0.0.1", server.port)]
    assert [path for path, _ in server.requests] == ["/go"]
    if reason in (PRIVATE, THIS_SERVER):
        assert refused.reason.startswith("the page sends you on to an address")


def test_redirects_are_followed_and_recorded(server):
    for n in range(1, 6):
        server.routes[f"/hop/{n}"] = redirect(f"/hop/{n - 1}", status=301 + n % 3)
    server.routes["/hop/0"] = respond
    result = fetch(server.url("/hop/5"))
    assert result.status == 200
    assert result.final_url == server.url("/hop/0")
    assert result.redirects == tuple(server.url(f"/hop/{n}") for n in (4, 3, 2, 1, 0))
    assert result.url == server.url("/hop/5")


def test_too_many_redirects(server, settings):
    settings.FETCH_MAX_REDIRECTS = 2
    for n in range(1, 4):
        server.routes[f"/hop/{n}"] = redirect(f"/hop/{n - 1}")
    server.routes["/hop/0"] = respond
    assert fetch(server.url("/hop/2")).status == 200
    assert_refused(server.url("/hop/3"), "too many redirects")


def test_a_redirect_loop_ends(server):
    server.routes["/loop"] = redirect("/loop")
    assert_refused(server.url("/loop"), "too many redirects")
    assert len(server.requests) == 6


def test_a_redirect_without_a_location(server):
    server.routes["/lost"] = lambda h: respond(h, b"", status=302)
    assert_refused(server.url("/lost"), "without saying where")


# --- Protocol calls (OpenID providers, LTI platforms) -----------------------------------------

JSON = "application/json"


def test_a_protocol_call_posts_its_body_and_headers(server):
    server.routes["/token"] = lambda h: respond(h, b'{"ok": true}', ctype=JSON)
    result = fetch(
        server.url("/token"),
        accept=JSON_TYPES,
        method="POST",
        body=b"grant_type=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (result.status, result.content_type, result.body) == (200, JSON, b'{"ok": true}')
    assert server.bodies == [("POST", b"grant_type=x")]
    assert server.requests[0][1]["Content-Type"] == "application/x-www-form-urlencoded"


def test_the_answers_headers_are_passed_on(server):
    link = '<https://platform.example/members?page=2>; rel="next"'
    server.routes["/members"] = lambda h: respond(h, b"{}", ctype=JSON, Link=link)
    result = fetch(server.url("/members"), accept=JSON_TYPES)
    assert result.headers["link"] == link
    assert result.headers["content-type"] == JSON


def test_a_json_answer_of_a_json_family_type_is_accepted(server):
    server.routes["/keys"] = lambda h: respond(h, b"{}", ctype="application/jwk-set+json")
    server.routes["/page"] = respond
    assert fetch(server.url("/keys"), accept=JSON_TYPES).body == b"{}"
    assert_refused(server.url("/page"), "not a JSON answer", accept=JSON_TYPES)


def test_a_protocol_call_can_refuse_any_redirect(server):
    server.routes["/token"] = redirect("/elsewhere", status=307)
    server.routes["/elsewhere"] = lambda h: respond(h, b"{}", ctype=JSON)
    assert_refused(server.url("/token"), "sent us elsewhere", follow_redirects=False)
    assert [path for path, _ in server.requests] == ["/token"]


@pytest.mark.parametrize(("status", "method_after"), [(303, "GET"), (302, "GET"), (307, "POST")])
def test_a_followed_redirect_of_a_post_acts_as_browsers_do(server, status, method_after):
    server.routes["/form"] = redirect("/done", status=status)
    server.routes["/done"] = lambda h: respond(h, b"{}", ctype=JSON)
    fetch(server.url("/form"), accept=JSON_TYPES, method="POST", body=b"a=1")
    expected_body = b"a=1" if method_after == "POST" else b""
    assert server.bodies == [("POST", b"a=1"), (method_after, expected_body)]


def test_an_error_answer_can_be_returned_for_the_caller_to_read(server):
    error = b'{"error": "invalid_grant"}'
    server.routes["/token"] = lambda h: respond(h, error, status=400, ctype=JSON)
    result = fetch(server.url("/token"), accept=JSON_TYPES, method="POST", refuse_errors=False)
    assert (result.status, result.body) == (400, error)
    assert_refused(server.url("/token"), "error 400", accept=JSON_TYPES, method="POST")


# --- Pinning ----------------------------------------------------------------------------------


def test_the_connection_goes_to_the_vetted_address_with_the_real_host_name(server, net, settings):
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])  # a second answer would be a rebinding
    net.dns["pages.example"] = lambda: next(answers)
    settings.FETCH_ALLOW_HOSTS = [f"pages.example:{server.port}"]
    server.routes["/"] = respond
    result = fetch(f"http://pages.example:{server.port}/")
    assert result.body == PAGE
    assert net.lookups == ["pages.example"]
    assert net.connects == [("127.0.0.1", server.port)]
    headers = server.requests[0][1]
    assert headers["Host"] == f"pages.example:{server.port}"
    assert headers["User-Agent"].startswith("RisingTideClipper/1.0")


# --- Limits -----------------------------------------------------------------------------------

SIX_MB = b"<p>" + b"x" * (6 * 1000 * 1000)


def drip(handler, chunks, pause, chunked=False):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    if chunked:
        handler.send_header("Transfer-Encoding", "chunked")
    handler.send_header("Connection", "close")
    handler.end_headers()
    for chunk in chunks:
        if handler.server_stopping.is_set():
            return
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
        handler.wfile.flush()
        time.sleep(pause)
    if chunked:
        handler.wfile.write(b"0\r\n\r\n")


@functools.cache
def gzip_bomb() -> bytes:
    """16 MB of zeros in 16 KB."""
    return gzip.compress(b"\0" * (16 * 2**20), compresslevel=1)


@pytest.fixture
def limits_server(server):
    def stream(chunked):
        def route(h):
            h.server_stopping = server.stopping
            drip(h, [SIX_MB[i : i + 65536] for i in range(0, len(SIX_MB), 65536)], 0, chunked)

        return route

    server.routes["/honest"] = lambda h: respond(h, SIX_MB)
    server.routes["/unframed"] = stream(chunked=False)
    server.routes["/chunked"] = stream(chunked=True)
    server.routes["/claims-big"] = lambda h: respond(h, PAGE, Content_Length=str(50 * 2**20))
    server.routes["/claims-small"] = lambda h: respond(h, SIX_MB, Content_Length="100")
    server.routes["/bomb"] = lambda h: respond(h, gzip_bomb(), Content_Encoding="gzip")
    server.routes["/gzip"] = lambda h: respond(h, gzip.compress(PAGE), Content_Encoding="gzip")
    return server


@pytest.mark.parametrize("path", ["/honest", "/unframed", "/chunked", "/claims-big", "/bomb"])
def test_pages_over_the_size_limit_are_refused(limits_server, path):
    assert_refused(limits_server.url(path), "the page is larger than 5 MB")


def test_the_size_limit_is_a_setting(limits_server, settings):
    settings.FETCH_MAX_BYTES = 1024
    page = PAGE + b"<p>%s</p>" % (b"a" * 1024)
    limits_server.routes["/gzip-2kb"] = lambda h: respond(
        h, gzip.compress(page), Content_Encoding="gzip"
    )
    assert len(gzip.compress(page)) < 1024
    assert_refused(limits_server.url("/gzip-2kb"), "the page is larger than 1 KB")


def test_a_body_longer_than_its_content_length_is_cut_at_the_declared_length(limits_server):
    assert fetch(limits_server.url("/claims-small")).body == SIX_MB[:100]


def test_compressed_pages_are_decompressed(limits_server):
    assert fetch(limits_server.url("/gzip")).body == PAGE


def test_a_body_shorter_than_its_content_length_is_a_broken_reply(server):
    server.routes["/short"] = lambda h: respond(h, PAGE, Content_Length="5000")
    assert_refused(server.url("/short"), "could not understand")


@pytest.fixture
def slow_server(server, settings):
    settings.FETCH_TIMEOUT_SECONDS = 0.5

    def silent(h):
        server.stopping.wait(5)

    def drip_body(h):
        h.server_stopping = server.stopping
        drip(h, [b"x"] * 200, 0.05)

    def drip_headers(h):
        h.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for n in range(200):
            if server.stopping.is_set():
                return
            h.wfile.write(b"X-Slow-%d: 1\r\n" % n)
            h.wfile.flush()
            time.sleep(0.05)

    server.routes["/silent"] = silent
    server.routes["/drip"] = drip_body
    server.routes["/drip-headers"] = drip_headers
    server.routes["/slow-redirects"] = lambda h: (time.sleep(0.2), redirect("/slow-redirects")(h))
    return server


@pytest.mark.parametrize("path", ["/silent", "/drip", "/drip-headers", "/slow-redirects"])
def test_the_deadline_covers_the_whole_fetch(slow_server, path):
    started = time.monotonic()
    assert_refused(slow_server.url(path), "the site took longer than 0.5 s")
    # Each read would have been within a per-read timeout; only the overall deadline stops it.
    assert time.monotonic() - started < 3  # room for a busy machine; the message names the limit


# --- Answers ----------------------------------------------------------------------------------


def test_a_page(server):
    server.routes["/page"] = lambda h: respond(h, PAGE, ctype='text/html; charset="ISO-8859-1"')
    result = fetch(server.url("/page?q=rock pools#top"))
    assert (result.status, result.content_type, result.charset) == (200, "text/html", "iso-8859-1")
    assert result.body == PAGE
    assert result.redirects == ()
    path, headers = server.requests[0]
    assert path == "/page?q=rock%20pools"
    assert "text/html" in headers["Accept"]


@pytest.mark.parametrize(
    ("ctype", "reason"),
    [
        ("application/pdf", "not a web page (application/pdf)"),
        ("application/json", "not a web page (application/json)"),
        ("image/svg+xml", "not a web page (image/svg+xml)"),
        ("", "not a web page (unknown type)"),
    ],
)
def test_other_kinds_of_file_are_refused_before_reading(server, ctype, reason):
    server.routes["/file"] = lambda h: respond(h, SIX_MB, ctype=ctype)
    assert_refused(server.url("/file"), reason)


def test_images_for_the_main_picture(server):
    server.routes["/pic.png"] = lambda h: respond(h, b"\x89PNG...", ctype="image/png")
    server.routes["/pic.svg"] = lambda h: respond(h, b"<svg/>", ctype="image/svg+xml")
    assert fetch(server.url("/pic.png"), accept=IMAGE_TYPES).content_type == "image/png"
    assert_refused(server.url("/pic.svg"), "not an image (image/svg+xml)", accept=IMAGE_TYPES)
    server.routes["/page"] = respond
    assert_refused(server.url("/page"), "not an image (text/html)", accept=IMAGE_TYPES)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (404, "does not exist (error 404)"),
        (410, "does not exist (error 410)"),
        (403, "would not show us that page (error 403)"),
        (429, "come back later"),
        (500, "had a problem showing that page (error 500)"),
        (304, "an answer we cannot use (error 304)"),
    ],
)
def test_error_answers_say_what_went_wrong(server, status, reason):
    server.routes["/oops"] = lambda h: respond(h, b"", status=status)
    refused = assert_refused(server.url("/oops"), reason)
    assert refused.url == server.url("/oops")


def test_nothing_listening(net, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.FETCH_ALLOW_HOSTS = [f"127.0.0.1:{port}"]
    assert_refused(f"http://127.0.0.1:{port}/", "refused the connection")


def test_a_reply_that_is_not_http(server):
    def garbage(h):
        h.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")

    server.routes["/ssh"] = garbage
    assert_refused(server.url("/ssh"), "could not understand")


# --- TLS --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def certificates(tmp_path_factory):
    """A throwaway certificate authority and a certificate for secure.example, by openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    (folder / "leaf.ext").write_text(
        "subjectAltName=DNS:secure.example\nbasicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
    commands = [
        "req -x509 {ec} -keyout ca.key -out ca.pem -days 2 -subj /CN=Rising-Tide-test-CA"
        " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
        "req {ec} -keyout leaf.key -out leaf.csr -subj /CN=secure.example",
        "x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 2"
        " -extfile leaf.ext",
    ]
    for command in commands:
        arguments = [openssl, *command.format(ec=ec).split()]
        subprocess.run(arguments, cwd=folder, check=True, capture_output=True)  # noqa: S603
    return folder


@pytest.fixture
def tls_server(certificates, net, settings, monkeypatch):
    names: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates / "leaf.pem", certificates / "leaf.key")
    context.sni_callback = lambda sslobj, name, ctx: names.append(name)
    page_server = PageServer(tls=context)
    page_server.sni = names
    page_server.routes["/"] = respond
    trusting = ssl.create_default_context(cafile=str(certificates / "ca.pem"))
    monkeypatch.setattr(fetch_module, "_tls_context", lambda: trusting)
    net.dns["secure.example"] = ["127.0.0.1"]
    net.dns["other.example"] = ["127.0.0.1"]
    settings.FETCH_ALLOW_HOSTS = [
        f"{host}:{page_server.port}" for host in ("secure.example", "other.example", "127.0.0.1")
    ]
    yield page_server
    page_server.close()


def test_tls_to_the_pinned_address_checks_the_certificate_against_the_name(tls_server, net):
    result = fetch(tls_server.url("/", host="secure.example", scheme="https"))
    assert result.body == PAGE
    assert tls_server.sni == ["secure.example"]
    assert net.connects == [("127.0.0.1", tls_server.port)]
    assert tls_server.requests[0][1]["Host"] == f"secure.example:{tls_server.port}"


@pytest.mark.parametrize("host", ["other.example", "127.0.0.1"])
def test_a_certificate_for_another_name_is_refused(tls_server, host):
    assert_refused(tls_server.url("/", host=host, scheme="https"), "security certificate")
    assert tls_server.requests == []
