"""Product photos: check an upload is a real, reasonably sized image and make its copies.

The original is re-encoded without its EXIF block (phones put the GPS position of a farmer's
house there) after applying the EXIF rotation, so it still stands the right way up. Pages get
a 240 px thumbnail and a 720 px medium copy as JPEG, which every phone decodes quickly.
"""

import io
import uuid
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from xiangcun.catalog.errors import ImageTooLargeError, InvalidImageError

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 6000
THUMBNAIL_SIDE = 240
MEDIUM_SIDE = 720
_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class ProcessedPhoto:
    original: ContentFile[bytes]
    thumbnail: ContentFile[bytes]
    medium: ContentFile[bytes]
    width: int
    height: int


def _read(upload: IO[bytes] | Any) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImageTooLargeError(field="image")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if not isinstance(data, bytes):
        raise InvalidImageError(field="image")
    if len(data) > MAX_BYTES:
        raise ImageTooLargeError(field="image")
    return data


def _jpeg(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    if copy.mode in ("RGBA", "LA", "P"):
        # JPEG has no transparency: put the photo on white, as a page would show it.
        copy = copy.convert("RGBA")
        background = Image.new("RGB", copy.size, (255, 255, 255))
        background.paste(copy, mask=copy.split()[-1])
        copy = background
    elif copy.mode != "RGB":
        copy = copy.convert("RGB")
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def photo_process(upload: IO[bytes] | Any) -> ProcessedPhoto:
    """Validate an upload and return the cleaned original and its two copies.

    Raises InvalidImageError for anything that is not a JPEG, PNG or WebP image and
    ImageTooLargeError above 8 MB or 6000 px on a side.
    """
    data = _read(upload)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format or ""
            width, height = probe.size
            # Size is checked from the header, before decoding a possible decompression bomb.
            if image_format not in _FORMATS:
                raise InvalidImageError(field="image")
            if max(width, height) > MAX_SIDE:
                raise ImageTooLargeError(field="image")
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened) or opened
            image.info.pop("exif", None)
            clean = io.BytesIO()
            save_options: dict[str, Any] = {"format": image_format}
            if image_format == "JPEG":
                if image.mode not in ("RGB", "L", "CMYK"):
                    image = image.convert("RGB")
                save_options.update(quality=90, optimize=True)
            # Saving without passing `exif` drops the block; icc_profile keeps colours right.
            if "icc_profile" in opened.info:
                save_options["icc_profile"] = opened.info["icc_profile"]
            image.save(clean, **save_options)
            thumbnail = _jpeg(image, THUMBNAIL_SIDE)
            medium = _jpeg(image, MEDIUM_SIDE)
            width, height = image.size
    except Image.DecompressionBombError:
        raise ImageTooLargeError(field="image") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidImageError(field="image") from None
    stem = uuid.uuid4().hex
    extension = _FORMATS[image_format]
    return ProcessedPhoto(
        original=ContentFile(clean.getvalue(), name=f"{stem}.{extension}"),
        thumbnail=ContentFile(thumbnail, name=f"{stem}-240.jpg"),
        medium=ContentFile(medium, name=f"{stem}-720.jpg"),
        width=width,
        height=height,
    )
