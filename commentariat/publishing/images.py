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


def image_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "images"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_image(upload) -> StoredImage:
    """Resize to at most 1600 px wide, drop metadata, store; ValidationError for anything else."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError("Please upload an image under 10 MB.")
    try:
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
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
