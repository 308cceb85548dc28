"""A portfolio with some of everything, for the pictures of the board and the graph: notes with
Markdown, a clipping that has arrived with its picture, uploads, importance, connections, a
finished stage and a teacher's unread comment."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from risingtide.demo.testing import TinyWorld
from risingtide.feedback.services import give
from risingtide.lib.uploads import make_thumbnail
from risingtide.portfolios import services
from risingtide.portfolios.models import ClipStatus, Item, Portfolio


def picture(name: str, colour: tuple[int, int, int], size=(320, 220)) -> SimpleUploadedFile:
    """A small PNG with a sun and a hill, so a thumbnail looks like a picture."""
    image = Image.new("RGB", size, (214, 234, 248))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size[0] - 90, 20, size[0] - 30, 80), fill=(255, 200, 40))
    draw.ellipse((-60, size[1] // 2, size[0] + 60, size[1] * 2), fill=colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
    b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def fill_portfolio(world: TinyWorld) -> Portfolio:
    pupil = world.users["pupil@own"]
    portfolio = world.portfolios["own"]
    gather_note = world.items["own"]
    services.save_note(
        pupil,
        gather_note,
        "I know **bees** make honey.\n\n- They live in hives\n- Some live alone",
        gather_note.version,
    )
    services.set_stage_done(pupil, portfolio, "gather", True)

    questions = services.add_note(
        pupil,
        portfolio,
        "identify",
        "My big question",
        "Why do some bees **live alone**? Where do they sleep at night? "
        "I want to find out what a bee hotel is for and who uses it.",
    )
    clip = services.add_clipping(pupil, portfolio, "identify", "https://example.org/bee-hotels")
    Item.objects.filter(pk=clip.pk).update(
        title="Bee hotels", site_name="Garden Wildlife", clip_status=ClipStatus.READY,
        description="How to help solitary bees.",
    )  # fmt: skip
    clip.refresh_from_db()
    clip.thumbnail.save("clip", make_thumbnail(picture("bees.png", (90, 160, 70))), save=True)
    photo = services.add_upload(
        pupil, portfolio, "identify", "Our garden", picture("garden.png", (60, 130, 60))
    )
    sheet = services.add_upload(
        pupil,
        portfolio,
        "identify",
        "Bee fact sheet",
        SimpleUploadedFile("facts.pdf", PDF, content_type="application/pdf"),
    )
    services.add_note(pupil, portfolio, "identify", "Words to look up", "pollen, nectar, hive")
    for item, importance in ((questions, 5), (clip, 4), (photo, 3)):
        item.refresh_from_db()
        services.update_item(
            pupil, item, title=item.title, stage=item.stage, importance=importance, categories=[]
        )
    services.connect(pupil, portfolio, clip.pk, questions.pk, "answers", "It says where")
    services.connect(pupil, portfolio, photo.pk, questions.pk, "is an example of", "")
    services.connect(pupil, portfolio, gather_note.pk, clip.pk, "supports", "")
    services.connect(pupil, portfolio, sheet.pk, gather_note.pk, "supports", "")
    give(world.users["teacher@own"], portfolio, "praise", "Great question!", item_id=questions.pk)
    return portfolio
