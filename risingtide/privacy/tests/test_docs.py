from risingtide.privacy.docs import DOC, END, START, render, updated


def test_the_table_in_docs_privacy_is_made_from_the_declarations():
    text = DOC.read_text(encoding="utf-8")
    assert START in text and END in text
    assert updated(text) == text, "docs/privacy.md is stale: run `risingtide manage privacy_doc`"


def test_the_table_says_what_is_kept_and_why():
    table = render()
    assert "`audit.AuditEvent`" in table and "kept: accountability" in table
    assert "`insights.CensusRecord`" in table and "replaced: pupil, upn" in table
    assert "password" in table  # named as never exported
