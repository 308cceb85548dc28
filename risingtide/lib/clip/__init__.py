"""What a clipped web page is about: title, description, site, main image, a readable excerpt,
and a sanitised snapshot that outlives the page.

Everything here reads hostile input. Strings come back as plain text (templates escape them);
the snapshot is rebuilt from an allow-list and then cleaned again by nh3, so nothing from the
page is passed through unexamined. Parsing uses the standard library's forgiving HTML parser
over at most ``MAX_PARSE_CHARS`` of the page.

The package keeps reading apart from sanitising: :mod:`.tree` turns hostile bytes into a small
tree and plain text, :mod:`.metadata` reads what the page is about from it
(:func:`.metadata.extract`), and :mod:`.snapshot` rebuilds the readable copy from an allow-list,
cleans it with nh3, and cleans it again when it is shown (:func:`.snapshot.show_snapshot`).
"""
