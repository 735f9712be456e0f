"""Visit photos: only real images are kept, cleaned of location and camera data.

The stored copy is re-encoded as JPEG without EXIF (so no GPS position or
camera serial leaves the phone's owner), turned upright, and kept under the
upload folder by content hash, with a thumbnail beside it. The capture time
is read before stripping and kept as a field of the photo.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
import warnings
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select

from shopper.domain import policy
from shopper.domain.answers import MAX_PHOTOS_PER_QUESTION
from shopper.domain.i18n import N_
from shopper.domain.workflow import EDITABLE_BY_SHOPPER
from shopper.extensions import db
from shopper.models import Photo, User, Visit
from shopper.services import scope, transitions
from shopper.services.checklists import parse_version
from shopper.services.errors import Invalid, NotFound, TooLarge

MAX_PHOTO_BYTES = 15 * 1024 * 1024
# 50 megapixels: more than any phone camera, far less than a decompression bomb.
MAX_PIXELS = 50_000_000
MAX_STORED_SIDE = 4096
THUMBNAIL_SIDE = 320
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF"}
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_OFFSET_TIME_ORIGINAL = 0x9011
EXIF_IFD = 0x8769

try:
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
    pass


def _capture_time(image: Image.Image) -> datetime | None:
    """DateTimeOriginal from EXIF, with its offset when the phone wrote one (else as UTC)."""
    try:
        exif = image.getexif().get_ifd(EXIF_IFD)
    except Exception:  # noqa: BLE001 - broken EXIF is common and not the shopper's fault
        return None
    raw = exif.get(EXIF_DATETIME_ORIGINAL)
    if not isinstance(raw, str):
        return None
    try:
        taken = datetime.strptime(raw.strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = exif.get(EXIF_OFFSET_TIME_ORIGINAL)
    if isinstance(offset, str):
        try:
            return datetime.fromisoformat(taken.isoformat() + offset.strip()).astimezone(UTC)
        except ValueError:
            pass
    return taken.replace(tzinfo=UTC)


def _decode(data: bytes) -> tuple[Image.Image, datetime | None]:
    """Open and fully decode the image, refusing anything that is not a safe real photo."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise Invalid(
                    N_("Send a JPEG, PNG, WebP or HEIC photo."), fields={"file": "format"}
                )
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            taken_at = _capture_time(image)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise Invalid(
            N_("The image has too many pixels (at most %(count)d million)."),
            {"count": MAX_PIXELS // 1_000_000},
            fields={"file": "pixels"},
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise Invalid(
            N_("The file is not a photo we can read (JPEG, PNG, WebP or HEIC)."),
            fields={"file": "unreadable"},
        ) from error
    return image, taken_at


def _jpeg(image: Image.Image, side: int) -> bytes:
    image = image.copy()
    image.thumbnail((side, side))
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    output = io.BytesIO()
    # No exif= argument: the stored copy carries no metadata at all.
    image.save(output, "JPEG", quality=85, optimize=True)
    return output.getvalue()


def _folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def _store(data: bytes, name: str) -> None:
    path = _folder() / name[:2] / name
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # A name of this writer's own: two workers may store the same photo at once
    # (a retried upload racing its original), and each must find its file.
    partial = path.with_name(f"{name}.{uuid.uuid4().hex}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


def parse_taken_at(value: str | None) -> datetime | None:
    """The phone's capture time (ISO 8601 with offset), or None when absent or unreadable."""
    if not value:
        return None
    try:
        taken = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return taken.astimezone(UTC) if taken.tzinfo is not None else None


def add_photo(
    visit: Visit,
    user: User,
    question_code: str,
    upload: io.BufferedIOBase,
    taken_at: datetime | None = None,
) -> Photo:
    """Check, clean and keep a photo for one question of the shopper's own visit.

    The capture time comes from the photo's EXIF, else from ``taken_at`` (the
    phone shrinks photos before upload, which drops EXIF).
    """
    if not policy.is_own_work(user, visit.assignment):
        raise NotFound(N_("There is no visit %(id)s."), {"id": visit.id})
    if visit.assignment.status not in EDITABLE_BY_SHOPPER:
        raise transitions.report_locked(visit.assignment)  # before the photo is decoded
    checklist = parse_version(visit.assignment.version)
    try:
        question = checklist.question(question_code)
    except KeyError:
        raise Invalid(
            N_("No question %(code)s in this checklist."),
            {"code": question_code},
            fields={"question": "unknown"},
        ) from None
    if question.type != "photo" and question.photo == "none":
        raise Invalid(
            N_("Question %(code)s takes no photos."),
            {"code": question_code},
            fields={"question": "no_photos"},
        )
    data = upload.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise TooLarge(N_("A photo may be at most 15 MB."), fields={"file": "too_large"})
    if not data:
        raise Invalid(N_("The photo file is empty."), fields={"file": "empty"})
    image, exif_time = _decode(data)
    upright = ImageOps.exif_transpose(image)
    stored = _jpeg(upright, MAX_STORED_SIDE)
    digest = hashlib.sha256(stored).hexdigest()
    # From here the report is held as the shopper may still change it: a
    # submission racing this upload waits, and two uploads at once are counted
    # one after the other.
    transitions.hold(visit.assignment, EDITABLE_BY_SHOPPER, shopper_id=user.id)
    # A phone that lost the answer to its upload sends the same photo again:
    # that is the photo already kept, not a second one.
    kept = db.session.execute(
        select(Photo).where(
            Photo.visit_id == visit.id,
            Photo.question_code == question_code,
            Photo.sha256 == digest,
        )
    ).scalar_one_or_none()
    if kept is not None:
        return kept
    held = db.session.execute(
        select(func.count())
        .select_from(Photo)
        .where(Photo.visit_id == visit.id, Photo.question_code == question_code)
    ).scalar_one()
    if held >= MAX_PHOTOS_PER_QUESTION:
        raise Invalid(
            N_("A question takes at most %(count)d photos; remove one to add another."),
            {"count": MAX_PHOTOS_PER_QUESTION},
            fields={"file": "too_many"},
        )
    _store(stored, f"{digest}.jpg")
    _store(_jpeg(upright, THUMBNAIL_SIDE), f"{digest}.thumb.jpg")
    photo = Photo(
        visit=visit,
        question_code=question_code,
        sha256=digest,
        content_type="image/jpeg",
        width=0,
        height=0,
        size=len(stored),
        taken_at=exif_time or taken_at,
    )
    with Image.open(io.BytesIO(stored)) as check:
        photo.width, photo.height = check.size
    db.session.add(photo)
    db.session.commit()
    return photo


def delete_photo(photo: Photo, user: User) -> None:
    """Remove a photo from the shopper's own report while it can still change."""
    visit = photo.visit
    if not policy.is_own_work(user, visit.assignment):
        raise NotFound(N_("There is no photo %(id)s."), {"id": photo.id})
    transitions.hold(visit.assignment, EDITABLE_BY_SHOPPER, shopper_id=user.id)
    db.session.delete(photo)
    db.session.commit()


def get_photo(photo_id: int, user: User) -> Photo:
    """A photo, only for those who may see its visit (a shopper: their own)."""
    photo = db.session.execute(
        scope.visible_to(user, select(Photo).where(Photo.id == photo_id))
    ).scalar_one_or_none()
    if photo is None:
        raise NotFound(N_("There is no photo %(id)s."), {"id": photo_id})
    return photo


def stored_files(digest: str) -> tuple[str, str]:
    """The stored copy's and its thumbnail's paths inside the upload folder."""
    return f"{digest[:2]}/{digest}.jpg", f"{digest[:2]}/{digest}.thumb.jpg"


def file_path(photo: Photo, thumbnail: bool = False) -> Path:
    """Where the stored copy (or its thumbnail) lies."""
    path = _folder() / stored_files(photo.sha256)[1 if thumbnail else 0]
    if not path.exists():
        raise NotFound(N_("There is no photo %(id)s."), {"id": photo.id})
    return path
