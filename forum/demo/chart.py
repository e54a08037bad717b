"""The demo's uploaded picture: Priya's training log as a small bar chart, drawn with Pillow when
`manage.py demo` runs (offline, and the same bytes every time, so the upload is stored once)."""

import io

from PIL import Image, ImageDraw, ImageFont

TITLE = "Priya's first six weeks: heavy lifting sessions and rowing distance"
ALT = ("Bar chart of Priya's first six weeks: two lifting sessions every week, rowing distance "
       "steady between 58 and 64 km a week")
WEEKS = [("W1", 2, 60), ("W2", 2, 58), ("W3", 2, 62), ("W4", 2, 61), ("W5", 2, 64), ("W6", 2, 63)]


def training_chart_png() -> bytes:
    width, height, left, bottom, top = 960, 540, 90, 470, 80
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    try:
        font, title_font = ImageFont.load_default(size=16), ImageFont.load_default(size=22)
    except (ImportError, OSError, TypeError):  # a Pillow without FreeType: the small bitmap font
        font = title_font = ImageFont.load_default()
    draw.text((left - 50, 24), TITLE, fill=(20, 33, 31), font=title_font)
    draw.line([(left, top), (left, bottom), (width - 40, bottom)], fill=(90, 100, 98), width=2)
    scale = (bottom - top) / 70  # km
    for km in range(0, 71, 10):
        y = bottom - km * scale
        draw.line([(left - 6, y), (left, y)], fill=(90, 100, 98), width=1)
        draw.text((left - 62, y - 9), f"{km} km", fill=(60, 70, 68), font=font)
    slot = (width - 40 - left) / len(WEEKS)
    for index, (week, sessions, km) in enumerate(WEEKS):
        x = left + index * slot + slot * 0.2
        draw.rectangle([x, bottom - km * scale, x + slot * 0.6, bottom], fill=(31, 110, 94))
        draw.text((x + slot * 0.22, bottom + 10), week, fill=(20, 33, 31), font=font)
        draw.text((x - 4, bottom - km * scale - 24), f"{km} km, {sessions} lifts", fill=(20, 33, 31), font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
