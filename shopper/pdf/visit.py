"""The visit report PDF, for the store manager's training conversation.

``build_visit_pdf`` takes the report as ``services.visits.report_view`` gives
it (sections of answers with their stored scores) and returns PDF bytes:
header facts, overall and section scores, then every question with its
answer, comment, points, critical failure and photo thumbnails.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from gettext import NullTranslations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.platypus import Flowable, Image, KeepTogether, Spacer, Table

from shopper.domain import policy
from shopper.domain.answers import NO, NOT_APPLICABLE, YES, answer_text
from shopper.domain.i18n import N_, is_rtl_language
from shopper.pdf import (
    BODY_SIZE,
    CONTENT_WIDTH,
    INK,
    MUTED,
    RULE,
    Labels,
    build_document,
    data_table,
    format_number,
    format_percent,
    format_points,
    format_score,
    format_timestamp,
    header_cells,
    mirror_table,
)
from shopper.pdf.fonts import LATIN, Fonts, TextBlock, clean, register_fonts

if TYPE_CHECKING:
    from shopper.models import Photo
    from shopper.services.visits import AnswerView, SectionView

log = logging.getLogger(__name__)

DEFAULT_LABELS: dict[str, str] = {
    "document_title": N_("Visit report"),
    "store": N_("Store"),
    "shopper": N_("Shopper"),
    "visited": N_("Visited"),
    "overall": N_("Overall score"),
    "points": N_("Points"),
    "points_of": N_("%(earned)s / %(possible)s"),
    "critical_failure": N_("Critical failure"),
    "critical_question": N_("critical"),
    # The same words as an answer's (the critical-failure tile, a question not counted).
    "yes": YES,
    "no": NO,
    "na": NOT_APPLICABLE,
    "section": N_("Section"),
    "score": N_("Score %"),
    "answer": N_("Answer"),
    "standard": N_("Standard"),
    "comment": N_("Comment"),
    "photos": N_("Photos"),
    "no_score": N_("not scored"),
    "page_of": N_("Page %(page)s of %(pages)s"),
    "generated": N_("Generated %(time)s"),
}
LABEL_KEYS: tuple[str, ...] = tuple(DEFAULT_LABELS)

WIDTH = CONTENT_WIDTH
BAD = colors.HexColor("#b42318")
BAD_FILL = colors.HexColor("#fdecea")
PHOTO_BOX = 118.0
PHOTOS_PER_ROW = 4


@dataclass(frozen=True)
class VisitScores:
    """A visit's stored totals (``Visit.overall``, ``earned``, ``possible``, ``critical_failure``)."""

    overall: float | None
    earned: float | None
    possible: float | None
    critical_failure: bool

    @classmethod
    def of(cls, visit: Any) -> VisitScores:
        """The stored totals of a ``Visit`` row; none while the policy hides its scores."""
        if not policy.scores_visible(visit.assignment):
            return cls(None, None, None, False)
        return cls(visit.overall, visit.earned, visit.possible, bool(visit.critical_failure))


def build_visit_pdf(
    *,
    title: str,
    store: str,
    shopper: str,
    visited: str,
    scores: VisitScores,
    sections: Sequence[SectionView],
    photo_path: Callable[[Photo], Path | None],
    labels: Mapping[str, str],
    generated_at: datetime,
    locale: str = "en",
    details: Sequence[tuple[str, str]] = (),
    footer: str | None = None,
    font_cache: Path | None = None,
    translations: NullTranslations | None = None,
) -> bytes:
    """One visit report as a PDF.

    ``sections`` come from ``services.visits.report_view``; ``photo_path(photo)``
    gives a photo's thumbnail file or None; a photo whose file is missing or
    unreadable (or whose ``photo_path`` raises) is left out.
    ``details`` are extra (label, value) lines for the header. ``translations``
    (the reader's, e.g. ``flask_babel.get_translations()``) word the answers as the
    pages do; ``labels`` the rest.
    """
    fonts = register_fonts(font_cache)
    text = Labels(DEFAULT_LABELS, labels)
    report = _Report(text, locale, fonts, photo_path, translations or NullTranslations())
    story: list[Flowable] = []
    story += report.header(title, store, shopper, visited, details)
    story += report.totals(scores, sections)
    for number, section in enumerate(sections, start=1):
        story += report.section(number, section)
    stamp = text.format("generated", time=format_timestamp(generated_at, locale))
    first_line = footer if footer is not None else (title, store, visited)

    def page_footer(number: int, total: int) -> tuple[str | tuple[str, ...], str, str]:
        return first_line, stamp, text.format("page_of", page=number, pages=total)

    return build_document(
        story,
        title=f"{text['document_title']} – {store}",
        footer=page_footer,
        fonts=fonts,
        rtl=is_rtl_language(locale),
    )


@dataclass
class _Report:
    text: Labels
    locale: str
    fonts: Fonts
    photo_path: Callable[[Photo], Path | None]
    translations: NullTranslations

    @property
    def rtl(self) -> bool:
        return is_rtl_language(self.locale)

    def block(self, value: object, **options) -> TextBlock:
        return TextBlock(clean(value), fonts=self.fonts, **options)

    def table(self, rows: list[list], widths: Sequence[float], style: list[tuple], **options):
        """A layout table, read from the right in a right-to-left language."""
        if self.rtl:
            rows, widths, style = mirror_table(rows, widths, style)
            if options.get("hAlign") == "LEFT":
                options["hAlign"] = "RIGHT"
        return Table(rows, colWidths=list(widths), style=style, **options)

    def header(self, title, store, shopper, visited, details) -> list[Flowable]:
        t = self.text
        facts = [(t["store"], store), (t["shopper"], shopper), (t["visited"], visited)]
        facts += list(details)
        rows = [
            [self.block(label, size=10, color=MUTED), self.block(value, size=10, bold=True)]
            for label, value in facts
        ]
        table = self.table(
            rows,
            [110, WIDTH - 110],
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ],
        )
        return [
            self.block(t["document_title"], size=11, color=MUTED, space_after=3),
            self.block(title, size=20, bold=True, space_after=10),
            table,
            Spacer(1, 12),
        ]

    def totals(self, scores: VisitScores, sections: Sequence[SectionView]) -> list[Flowable]:
        t = self.text
        points = (
            t.format(
                "points_of",
                earned=format_points(scores.earned, self.locale),
                possible=format_points(scores.possible, self.locale),
            )
            if scores.possible
            else t["no_score"]
        )
        tiles = [
            (t["overall"], format_percent(scores.overall, self.locale), INK),
            (t["points"], points, INK),
            (
                t["critical_failure"],
                t["yes"] if scores.critical_failure else t["no"],
                BAD if scores.critical_failure else INK,
            ),
        ]
        width = WIDTH / len(tiles)
        tile_table = self.table(
            [
                [self.block(value, size=18, bold=True, color=colour) for _, value, colour in tiles],
                [self.block(label, size=8.5, color=MUTED) for label, _, _ in tiles],
            ],
            [width] * len(tiles),
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f5f7fa")),
                ("LINEAFTER", (0, 0), (-2, -1), 2, colors.white),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ],
        )
        out: list[Flowable] = [tile_table, Spacer(1, 10)]
        if sections:
            widths = [WIDTH - 80, 80.0]
            rows: list[list] = [header_cells([t["section"], t["score"]], widths, self.fonts)]
            for section in sections:
                rows.append([self.block(section.title), format_score(section.score, self.locale)])
            out.append(
                data_table(
                    rows,
                    widths,
                    self.fonts,
                    extra=[("ALIGN", (1, 0), (1, -1), "RIGHT")],
                    rtl=self.rtl,
                )
            )
        return out

    def section(self, number: int, section: SectionView) -> list[Flowable]:
        score = format_percent(section.score, self.locale) if section.score is not None else ""
        title_row = self.table(
            [[self.block(f"{number}. {clean(section.title)}", size=13, bold=True), score]],
            [WIDTH - 90, 90],
            [
                ("FONTNAME", (1, 0), (1, 0), self.fonts.name(LATIN, True)),
                ("FONTSIZE", (1, 0), (1, 0), 13),
                ("LEADING", (1, 0), (1, 0), 16),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ],
        )
        out: list[Flowable] = [Spacer(1, 12)]
        questions = [
            self.question(f"{number}.{index}", answer)
            for index, answer in enumerate(section.answers, start=1)
        ]
        # The section title never ends a page alone: it keeps its first question.
        # (KeepTogethers must not nest: an inner one reports an endless height.)
        out.append(KeepTogether([title_row, Spacer(1, 4), *(questions[0] if questions else [])]))
        out += [KeepTogether(parts) for parts in questions[1:]]
        return out

    def question(self, number: str, answer: AnswerView) -> list[Flowable]:
        t = self.text
        question = answer.question
        failed = bool(answer.critical_failed)
        head_text = clean(question.text)
        if getattr(question, "critical", False):
            head_text = f"{head_text} ({t['critical_question']})"
        points = self.points(answer)
        head = self.table(
            [[number, self.block(head_text, size=BODY_SIZE + 0.5, bold=True), points]],
            [28, WIDTH - 28 - 70, 70],
            [
                ("FONTNAME", (0, 0), (-1, -1), self.fonts.name(LATIN, True)),
                ("FONTSIZE", (0, 0), (-1, -1), BODY_SIZE + 0.5),
                ("LEADING", (0, 0), (-1, -1), (BODY_SIZE + 0.5) * 1.3),
                ("ALIGN", (2, 0), (2, 0), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ],
        )
        rows: list[list] = []
        colour_rows: list[int] = []
        value = self.answer_text(answer)
        if value:
            rows.append([t["answer"], self.block(value, size=BODY_SIZE, bold=True)])
        if failed:
            colour_rows.append(len(rows))
            rows.append(
                ["", self.block(t["critical_failure"], size=BODY_SIZE, bold=True, color=BAD)]
            )
        if getattr(question, "standard", ""):
            rows.append([t["standard"], self.block(question.standard, size=BODY_SIZE)])
        if answer.comment:
            rows.append([t["comment"], self.block(answer.comment, size=BODY_SIZE)])
        photos = self.photos(answer.photos)
        if photos is not None:
            rows.append([t["photos"], photos])
        out: list[Flowable] = [head]
        if rows:
            label_width = 70.0
            rows = [[self.block(label, size=7.5, color=MUTED), body] for label, body in rows]
            style = [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, -1), 28),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
            for row in colour_rows:
                style.append(("BACKGROUND", (1, row), (1, row), BAD_FILL))
            detail = self.table(
                rows, [28 + label_width, WIDTH - 28 - label_width], style, splitInRow=1
            )
            out.append(detail)
        rule = Table([[""]], colWidths=[WIDTH], rowHeights=[4])
        rule.setStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE)])
        out.append(rule)
        return out

    def points(self, answer: AnswerView) -> str:
        """``earned / possible`` for a counted scored answer; N/A for one not counted."""
        question = answer.question
        if not getattr(question, "scored", False):
            return ""
        if not answer.counted or not answer.possible:
            return self.text["na"] if answer.value == "na" else "–"
        return self.text.format(
            "points_of",
            earned=format_points(answer.earned or 0.0, self.locale),
            possible=format_points(answer.possible, self.locale),
        )

    def answer_text(self, answer: AnswerView) -> str:
        """The answer in the words the pages use (``domain.answers.answer_text``)."""
        return answer_text(
            answer.question,
            answer.value,
            len(answer.photos),
            translations=self.translations,
            number=lambda value: format_number(value, self.locale),
        )

    def photos(self, photos: Sequence[Photo]) -> Flowable | None:
        """Thumbnails, four to a row; files that are missing or unreadable are skipped."""
        images = [image for image in (self.thumbnail(p) for p in photos) if image is not None]
        if not images:
            return None
        rows = [images[i : i + PHOTOS_PER_ROW] for i in range(0, len(images), PHOTOS_PER_ROW)]
        rows[-1] += [""] * (PHOTOS_PER_ROW - len(rows[-1]))
        return self.table(
            rows,
            [PHOTO_BOX + 6] * PHOTOS_PER_ROW,
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ],
            hAlign="LEFT",
        )

    def thumbnail(self, photo: Photo) -> Image | None:
        try:
            path = self.photo_path(photo)
        except Exception as error:  # a photo whose file is gone is not worth a failed report
            log.warning("photo %s left out of the PDF: %s", getattr(photo, "id", "?"), error)
            return None
        if path is None:
            return None
        try:
            with PILImage.open(path) as image:
                image.verify()
                width, height = image.size
        except (OSError, ValueError, SyntaxError) as error:
            log.warning("photo file %s left out of the PDF: %s", path, error)
            return None
        scale = min(PHOTO_BOX / width, PHOTO_BOX / height)
        return Image(str(path), width=width * scale, height=height * scale)
