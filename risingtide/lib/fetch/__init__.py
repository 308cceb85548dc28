"""The one way Rising Tide reaches out to the web: fetching the page a pupil clipped.

Server-side fetching of a URL someone typed is a classic way into a school's private network
(server-side request forgery), so every hop is checked before any connection is made:

* only ``http``/``https`` on their usual ports, no ``user:password@`` and no host written in an
  unusual numeric form (``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``): those are
  refused outright because resolvers and browsers disagree about what they mean;
* the host is resolved here, once, and refused if *any* address it resolves to is not a public
  unicast address (:func:`address_refusal`), IPv4 or IPv6, including IPv6 forms that embed an
  IPv4 address;
* the connection is then made to the vetted address itself (pinned), so a second, different DNS
  answer (rebinding) cannot send it elsewhere; the request still carries the real ``Host``
  header, and TLS still sends the host name (SNI) and checks the certificate against it;
* redirects are followed here, one hop at a time, and every hop is checked the same way;
* one deadline covers the whole fetch, resolution and redirects included: a watchdog shuts the
  socket at the deadline, so a server that drips one byte a second cannot hold it open;
* the body is streamed and abandoned past the size limit (after decompression), and a
  ``Content-Length`` over the limit is refused before reading.

``requests-hardened`` was read and not used. It does pin (the first address DNS returns, checked
again on every redirect), but its loopback switch opens all of loopback rather than one test
server, its timeouts are per socket operation (a server dripping a byte at a time is never cut
off), and the size limit would still be ours to write. The pinned connection here is a small
subclass of urllib3's, which unlike requests never reads proxy settings from the environment.

The package is split along the order a fetch happens in: :mod:`.addresses` decides from the
link alone whether a host may be reached (and defines :class:`~.addresses.FetchRefused`, which
every step raises); :mod:`.connections` resolves the host, vets every address and connects to
a vetted one under the fetch's single deadline; :mod:`.client` is the request loop that follows
redirects, refuses bad answers and keeps to the size limit (:func:`.client.fetch`).
"""
