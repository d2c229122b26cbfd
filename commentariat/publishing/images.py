"""Images uploaded with posts: checked, resized, stored in the data dir under a name made from
their content (so they can be cached for a year), served by a small view."""

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_WIDTH = 1600
_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


@dataclass
class StoredImage:
    name: str
    width: int
    height: int

    @property
    def url(self) -> str:
        return f"{settings.MEDIA_URL}images/{self.name}"


def _bound_pillow() -> None:
    # Pillow warns past this many pixels and refuses past twice as many, wherever it decodes.
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = settings.COMMENTARIAT["MAX_IMAGE_PIXELS"]


def _refuse_too_many_pixels(size: tuple[int, int] | None) -> None:
    """ValidationError if an image of size (None: too large to say) is over the limit."""
    limit = settings.COMMENTARIAT["MAX_IMAGE_PIXELS"]
    if size is not None and size[0] * size[1] <= limit:
        return
    dimensions = f"{size[0]:,} × {size[1]:,} pixels" if size else f"over {2 * limit:,} pixels"
    raise ValidationError(
        f"This image is {dimensions}; images of up to {limit / 1e6:g} million pixels are accepted. "
        "Please make it smaller and upload it again.",
        code="too_many_pixels",
    )


def image_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "images"
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_pixel_count(upload) -> None:
    """Refuse an image with more pixels than the site will decode, from its header alone.

    A small file can hold a huge image (a 657 KB PNG of 13000 × 13000 took 9.5 s and 1.5 GB to
    decode): Pillow's open() reads only the header, so the size is known before any decoding.
    Files that are not images pass: the form field says what is wrong with them.
    """
    from PIL import Image, UnidentifiedImageError

    _bound_pillow()
    try:
        with Image.open(upload) as image:
            size = image.size
    except Image.DecompressionBombError:
        size = None  # over twice the limit: Pillow refuses from the header too
    except (UnidentifiedImageError, OSError):
        return
    finally:
        upload.seek(0)
    _refuse_too_many_pixels(size)


def store_image(upload) -> StoredImage:
    """Resize to at most 1600 px wide, drop metadata, store; ValidationError for anything else."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError("Please upload an image under 10 MB.")
    _bound_pillow()
    try:
        image = Image.open(upload)
        _refuse_too_many_pixels(image.size)  # before load(), which decodes
        image.load()
    except Image.DecompressionBombError:
        _refuse_too_many_pixels(None)
    except (UnidentifiedImageError, OSError):
        raise ValidationError("This file is not an image we can use (JPEG, PNG, GIF or WebP).") from None
    kind = _FORMATS.get(image.format or "")
    if kind is None:
        raise ValidationError("This file is not an image we can use (JPEG, PNG, GIF or WebP).")
    if kind != "gif":  # an animated GIF is kept as it is
        image = ImageOps.exif_transpose(image)
        if image.width > MAX_WIDTH:
            image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)), Image.LANCZOS)
        if kind == "jpg" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(
            buffer, format=image.format or {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[kind], quality=85
        )
        data = buffer.getvalue()
    else:
        upload.seek(0)
        data = upload.read()
    name = f"{hashlib.sha256(data).hexdigest()[:20]}.{kind}"
    target = image_dir() / name
    if not target.exists():
        partial = target.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(target)
    return StoredImage(name=name, width=image.width, height=image.height)
