from pathlib import Path

from risingtide.access.docs import render

DOC = Path(__file__).resolve().parents[3] / "docs" / "access.md"


def test_access_doc_is_generated_from_the_declaration():
    assert DOC.read_text() == render(), (
        "docs/access.md is stale: run `risingtide manage access_doc > docs/access.md`"
    )


def test_doc_names_every_capability_and_no_unguarded_route():
    text = render()
    assert "`pupil.reset_password`" in text and "`/api/v1/me`" in text
    assert "**no rule**" not in text
