"""Contact photos: checked, and scaled down to a sensible size before they are stored.

A phone may export a 50 MB photo; the notebook keeps at most `MAX_SIDE` pixels a side as JPEG
(PNG when the picture has transparency), so the file stays small and the list stays fast.
"""

from __future__ import annotations

import io

MAX_SIDE = 512
MAX_INPUT_BYTES = 64 * 1024 * 1024
KEEP_AS_IS_BYTES = 256 * 1024  # smaller photos are stored as they came, without decoding
_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp", "BMP": "image/bmp"}


class PhotoError(ValueError):
    """A photo that cannot be used; the message says why."""


def sniff_type(data: bytes) -> str:
    """The media type from the first bytes (images, and the sounds a vCard SOUND holds)."""
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"BM"):
        return "image/bmp"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data.startswith(b"OggS"):
        return "audio/ogg"
    if data.startswith(b"ID3") or data[:2] in (b"\xff\xfb", b"\xff\xf3"):
        return "audio/mpeg"
    return "application/octet-stream"


_ORIENTATION = 0x0112  # the EXIF tag that says how the camera was held


def prepare(data: bytes) -> tuple[bytes, str]:
    """(bytes, mime type) of `data` as the notebook keeps it: decoded, checked, downscaled."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise PhotoError("the photo is empty")
    if len(data) > MAX_INPUT_BYTES:
        raise PhotoError(f"the photo is too large ({len(data) // (1024 * 1024)} MB)")
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
        fmt = image.format or ""
        upright = image.getexif().get(_ORIENTATION, 1) in (0, 1)  # a phone picture may be stored sideways
        if upright and max(image.size) <= MAX_SIDE and fmt in _MIME and len(data) <= KEEP_AS_IS_BYTES:
            return data, _MIME[fmt]
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG decodes at 1/2, 1/4 or 1/8 scale
        image.load()
        if not upright:
            image = ImageOps.exif_transpose(image)  # turned as the camera meant it, the tag dropped
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as error:
        raise PhotoError(f"the photo cannot be read ({error})") from error
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P") and "transparency" in image.info or image.mode in ("RGBA", "LA"):
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), "image/png"
    image.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue(), "image/jpeg"
