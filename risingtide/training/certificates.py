"""The certificate: a PDF a leading teacher can print or send, made from their credential.

It says what the credential says (name, programme, issuer, date, the evidence summarised)
and where to check it: the credential's own public URL, which shows whether it still stands.
WeasyPrint reads no file at all for it (``lib.pdf``: the page is one HTML string)."""

from django.template.loader import render_to_string
from django.utils.text import slugify

from risingtide.lib.pdf import to_pdf
from risingtide.training import credentials
from risingtide.training.models import BadgeCredential


def certificate_html(badge: BadgeCredential) -> str:
    completion = badge.completion
    learner = completion.learner
    return render_to_string(
        "training/credentials/certificate_pdf.html",
        {
            "badge": badge,
            "name": learner.get_full_name() or learner.username,
            "programme": completion.programme,
            "issuer": credentials.issuer_profile(badge.issuer_key)["name"],
            "completed_at": completion.completed_at,
            "evidence": credentials.evidence_summary(completion),
            "verify_url": credentials.credential_url(badge),
        },
    )


def certificate_pdf(badge: BadgeCredential) -> bytes:
    return to_pdf(html=certificate_html(badge))


def filename(badge: BadgeCredential, extension: str) -> str:
    title = slugify(badge.completion.programme.title) or "programme"
    return f"certificate-{title}.{extension}"
