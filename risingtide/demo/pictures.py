"""Pictures the demo's pupils upload, drawn when the demo loads: a design sketch, a photo of a
model and a tally chart, a little different for each pupil (from their seeded stream). Small
PNGs, so uploads go through the real checks (``lib.uploads``: judged by their bytes, given a
thumbnail) in a few milliseconds each."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

SIZE = (360, 240)
INK = (40, 40, 60)
PAPER = (250, 248, 240)


def _png(image: Image.Image, name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    image.quantize(colors=16).save(out, "PNG", optimize=True)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def design_sketch(rng: random.Random) -> SimpleUploadedFile:
    """Pencil lines on paper: a box of tubes with a sloping roof, the sizes labelled."""
    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    for y in range(20, SIZE[1], 20):
        draw.line([0, y, SIZE[0], y], fill=(200, 215, 235))
    left, top = 60 + rng.randint(-10, 10), 70
    width, height = 180 + rng.randint(-20, 20), 120
    draw.polygon(
        [(left - 15, top), (left + width // 2, top - 45), (left + width + 15, top)],
        outline=INK,
        width=3,
    )
    draw.rectangle([left, top, left + width, top + height], outline=INK, width=3)
    for n in range(rng.randint(8, 14)):
        x = left + 15 + (n * 37) % (width - 30)
        y = top + 20 + (n * 23) % (height - 35)
        r = rng.choice([4, 6, 8])
        draw.ellipse([x - r, y - r, x + r, y + r], outline=INK, width=2)
    draw.text((left + width + 25, top + 10), "2-10 mm", fill=INK)
    draw.text((left + width + 25, top + 40), "15 cm deep", fill=INK)
    draw.text((left, top + height + 15), "faces south-east, 1 m up", fill=INK)
    return _png(image, "bee-hotel-design.png")


def model_photo(rng: random.Random) -> SimpleUploadedFile:
    """A model on a table: a wooden box packed with stems, from the front."""
    wood = (160 + rng.randint(-20, 20), 110, 60)
    image = Image.new("RGB", SIZE, (205, 215, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 180, SIZE[0], SIZE[1]], fill=(150, 120, 90))
    draw.rectangle([100, 50, 260, 185], fill=wood, outline=(70, 45, 25), width=4)
    for row in range(4):
        for col in range(5):
            x, y = 120 + col * 29, 68 + row * 28
            r = rng.choice([6, 8, 10])
            draw.ellipse([x - r + 8, y - r + 8, x + r + 8, y + r + 8], fill=(215, 190, 130))
            draw.ellipse(
                [x - r // 2 + 8, y - r // 2 + 8, x + r // 2 + 8, y + r // 2 + 8], fill=(60, 40, 25)
            )
    return _png(image, "my-model.png")


def tally_chart(rng: random.Random, labels: list[str]) -> SimpleUploadedFile:
    """Bars of what was counted where: a survey's results drawn as a pupil would."""
    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.line([40, 20, 40, 200, SIZE[0] - 20, 200], fill=INK, width=3)
    step = (SIZE[0] - 80) // max(1, len(labels))
    colours = [(231, 76, 60), (46, 134, 193), (39, 174, 96), (241, 196, 15), (142, 68, 173)]
    for n, label in enumerate(labels):
        height = rng.randint(20, 170)
        x = 55 + n * step
        draw.rectangle([x, 200 - height, x + step - 20, 200], fill=colours[n % len(colours)])
        draw.text((x, 208), label[:10], fill=INK)
    return _png(image, "tally-chart.png")
