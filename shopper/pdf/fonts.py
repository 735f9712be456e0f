"""Fonts from pip packages, and text laid out right in any script the app meets.

reportlab's own fonts cannot print Turkish ``ş ğ ı``, Thai or Urdu, and its
paragraphs break lines only at spaces and order words left to right. So every
piece of text in our PDFs goes through :func:`layout` here instead:

- fonts: Noto Sans (Latin, Greek, Cyrillic), Noto Sans Thai and Noto Sans
  Arabic, shipped as pip packages (``fontpkg-noto-*``), registered once per
  process; their bold faces are static instances made once with fontTools and
  cached on disk outside the repository;
- each character goes to the font that has it, one run per font;
- Thai is broken into words (newmm dictionary tokenizer, loaded lazily and
  once) so unspaced Thai wraps, and Thai runs are shaped with HarfBuzz so tone
  marks stack instead of colliding;
- right-to-left text (Urdu) is wrapped on the logical text, then each line is
  put in visual order with the Unicode bidi algorithm, and each right-to-left
  run is shaped from its logical text by HarfBuzz (joined letters, mirrored
  brackets); a right-to-left paragraph aligns right.

Text is drawn with ``canvas.drawString``, which never parses markup: a store
named ``<b>&<font name=x>`` prints exactly as written and cannot inject into
anything. Nothing here knows about Flask.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, TTFont, shapeStr
from reportlab.platypus import Flowable

log = logging.getLogger(__name__)

LATIN, THAI, ARABIC = "latin", "thai", "arabic"
SCRIPTS = (LATIN, THAI, ARABIC)
# The fontpkg family of each script; every one of them also has basic Latin.
FAMILIES = {LATIN: "Noto Sans", THAI: "Noto Sans Thai", ARABIC: "Noto Sans Arabic"}
FONT_NAMES = {
    (LATIN, False): "ShopperSans",
    (LATIN, True): "ShopperSans-Bold",
    (THAI, False): "ShopperThai",
    (THAI, True): "ShopperThai-Bold",
    (ARABIC, False): "ShopperArabic",
    (ARABIC, True): "ShopperArabic-Bold",
}
BOLD_WEIGHT = 700
# Bumped when the way bold instances are made changes, so old cache files are not reused.
_INSTANCE_RECIPE = "1"

_lock = threading.Lock()
_fonts: Fonts | None = None


@dataclass(frozen=True)
class Fonts:
    """The registered fonts: reportlab names and which characters each script's font has."""

    names: dict[tuple[str, bool], str]
    coverage: dict[str, frozenset[int]]

    def name(self, script: str, bold: bool = False) -> str:
        """The reportlab font name of ``script`` in regular or bold."""
        return self.names[(script, bold)]


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/shopper-fonts`` or ``~/.cache/shopper-fonts``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "shopper-fonts"


def register_fonts(cache_dir: Path | None = None) -> Fonts:
    """Register the Noto fonts with reportlab once per process and return them.

    Bold faces are generated on first use and kept in ``cache_dir`` (default
    :func:`default_cache_dir`); when that folder cannot be written they are
    made in memory for this process only.
    """
    global _fonts
    if _fonts is not None:
        return _fonts
    with _lock:
        if _fonts is None:
            folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
            coverage = {}
            for script in SCRIPTS:
                source = _family_path(FAMILIES[script])
                regular = TTFont(FONT_NAMES[(script, False)], str(source))
                pdfmetrics.registerFont(regular)
                pdfmetrics.registerFont(
                    TTFont(FONT_NAMES[(script, True)], _bold_instance(source, script, folder))
                )
                coverage[script] = frozenset(regular.face.charToGlyph)
            _fonts = Fonts(dict(FONT_NAMES), coverage)
    return _fonts


def _family_path(family: str) -> Path:
    import fontpkg

    return Path(fontpkg.path(family))


def _bold_instance(source: Path, script: str, folder: Path) -> str | io.BytesIO:
    """A static bold instance of a variable font: a cached file, or bytes if the cache fails."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    target = folder / f"{source.stem.split('[')[0]}-{BOLD_WEIGHT}-{digest}-{_INSTANCE_RECIPE}.ttf"
    if target.exists():
        return str(target)
    try:
        data = _make_instance(source, script)
    except Exception:  # a bold that looks regular beats no PDF at all
        log.exception("cannot make a bold instance of %s; bold prints as regular", source)
        return str(source)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a second process never reads half a font.
        partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        partial.write_bytes(data)
        os.replace(partial, target)
    except OSError as error:
        log.warning("cannot cache the bold font in %s (%s); keeping it in memory", folder, error)
        return io.BytesIO(data)
    return str(target)


def _make_instance(source: Path, script: str) -> bytes:
    from fontTools.ttLib import TTFont as FontToolsFont
    from fontTools.varLib.instancer import instantiateVariableFont

    font = FontToolsFont(str(source))
    if script == LATIN and "GPOS" in font:
        # Latin is drawn unshaped, so its kerning table is never read; instancing
        # it is most of the work (about 10 s for Noto Sans).
        del font["GPOS"]
    instance = instantiateVariableFont(
        font, {"wght": BOLD_WEIGHT, "wdth": 100}, updateFontNames=True
    )
    out = io.BytesIO()
    instance.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------
# Characters and scripts

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"[ \t]+")  # a no-break space stays: it must not break
_THAI_CHARS = re.compile(r"[\u0e00-\u0e7f]+")
_BIDI_CLASSES = frozenset({"R", "AL", "AN", "RLE", "RLO", "RLI", "LRE", "LRO", "LRI", "FSI"})


def clean(text: object) -> str:
    """User text made printable: str, NFC, tabs as spaces, no control characters."""
    text = "" if text is None else str(text)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text.replace("\t", " "))
    if not text.isascii():
        # Unassigned code points and lone surrogates cannot be printed, and the
        # bidi algorithm has no class for them.
        text = "".join(c for c in text if unicodedata.category(c) not in ("Cn", "Cs"))
    return text


def _script_of(char: str) -> str | None:
    code = ord(char)
    if 0x0E00 <= code <= 0x0E7F:
        return THAI
    if (
        0x0600 <= code <= 0x06FF
        or 0x0750 <= code <= 0x077F
        or 0x08A0 <= code <= 0x08FF
        or 0xFB50 <= code <= 0xFDFF
        or 0xFE70 <= code <= 0xFEFC
    ):
        return ARABIC
    return None


def _primary(text: str) -> str:
    scripts = {_script_of(c) for c in text}
    return ARABIC if ARABIC in scripts else THAI if THAI in scripts else LATIN


def is_rtl(text: str) -> bool:
    """True when the first strong letter of ``text`` is right-to-left.

    The direction of one piece of text by its letters (HTML's ``dir="auto"``),
    for a store name or answer in any script; which languages are written right
    to left is ``shopper.domain.i18n.RTL_LANGUAGES``.
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def is_plain(text: str, fonts: Fonts) -> bool:
    """True when the Latin font prints ``text`` as it is: no shaping, no bidi, one line."""
    if "\n" in text:
        return False
    latin = fonts.coverage[LATIN]
    for char in text:
        code = ord(char)
        if code < 0x0300:
            continue
        if code not in latin or unicodedata.combining(char):
            return False
        if _script_of(char) or unicodedata.bidirectional(char) in _BIDI_CLASSES:
            return False
    return True


# ---------------------------------------------------------------------------
# Laying out one line


@dataclass(frozen=True)
class Piece:
    """A run of glyphs in one font, in visual order, ready for ``drawString``."""

    text: str
    font: str
    width: float


@dataclass(frozen=True)
class Line:
    """One laid-out line: its pieces left to right, its width, and its direction."""

    pieces: tuple[Piece, ...]
    width: float
    rtl: bool
    size: float


def _shaped(text: str, font: str, size: float) -> Piece:
    shaped = shapeStr(text, font, size)
    data = getattr(shaped, "__shapeData__", None)
    if isinstance(shaped, ShapedStr) and data:
        width = sum(d.x_advance for d in data) * size / 1000
    else:
        width = pdfmetrics.stringWidth(shaped, font, size)
    return Piece(shaped, font, width)


def _plain(text: str, font: str, size: float) -> Piece:
    return Piece(text, font, pdfmetrics.stringWidth(text, font, size))


def _font_key(char: str, primary: str, coverage: dict[str, frozenset[int]]) -> str:
    script = _script_of(char)
    if script:
        return script
    code = ord(char)
    if code in coverage[primary]:
        return primary
    for key in SCRIPTS:
        if code in coverage[key]:
            return key
    return primary


_ISOLATES = {0x2066: "\u202a", 0x2067: "\u202b", 0x2068: "\u202a", 0x2069: "\u202c"}


def _visual_chars(line: str, rtl: bool) -> list[tuple[str, int]]:
    """The characters of one line in visual order with their bidi embedding levels."""
    from bidi import algorithm

    # python-bidi's pure implementation predates isolates (and asserts on
    # them); the nearest it knows are embeddings, which order alike here.
    line = line.translate(_ISOLATES)
    storage = algorithm.get_empty_storage()
    storage["base_level"] = 1 if rtl else 0
    storage["base_dir"] = "R" if rtl else "L"
    algorithm.get_embedding_levels(line, storage)
    algorithm.explicit_embed_and_overrides(storage)
    algorithm.resolve_weak_types(storage)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    algorithm.reorder_resolved_levels(storage, False)
    return [(c["ch"], c["level"]) for c in storage["chars"]]


def _mirror(text: str) -> str:
    from bidi.mirror import MIRRORED

    return "".join(MIRRORED.get(c, c) for c in text)


def layout_line(
    text: str, size: float, *, bold: bool = False, rtl: bool | None = None, fonts: Fonts
) -> Line:
    """Lay out one line of logical text (no wrapping) as pieces in visual order."""
    if rtl is None:
        rtl = is_rtl(text)
    primary = _primary(text)
    coverage = fonts.coverage
    needs_bidi = rtl or any(unicodedata.bidirectional(c) in _BIDI_CLASSES for c in text)
    chars = _visual_chars(text, rtl) if needs_bidi else [(c, 0) for c in text]
    pieces: list[Piece] = []
    group: list[str] = []
    group_key: tuple[str, int] | None = None

    def flush() -> None:
        if not group or group_key is None:
            return
        script, level = group_key
        font = fonts.name(script, bold)
        run = "".join(group)
        if level % 2:
            if any(_script_of(c) == ARABIC for c in run):
                # HarfBuzz takes the logical order and hands back glyphs in visual order.
                pieces.append(_shaped(run[::-1], font, size))
            else:
                pieces.append(_plain(_mirror(run), font, size))
        elif script != LATIN:
            pieces.append(_shaped(run, font, size))
        else:
            pieces.append(_plain(run, font, size))

    for char, level in chars:
        key = (_font_key(char, primary, coverage), level)
        if key != group_key:
            flush()
            group = []
            group_key = key
        group.append(char)
    flush()
    return Line(tuple(pieces), sum(p.width for p in pieces), rtl, size)


# ---------------------------------------------------------------------------
# Wrapping


@lru_cache(maxsize=1)
def _thai_tokenizer() -> Callable[[str], list[str]]:
    """The Thai word tokenizer, imported on first need (it loads a dictionary, ~1 s)."""
    try:
        from newmm_tokenizer.tokenizer import word_tokenize
    except ImportError:  # pragma: no cover - newmm-tokenizer is the declared choice
        try:
            from pythainlp.tokenize import word_tokenize
        except ImportError:
            log.warning("no Thai tokenizer installed; Thai wraps between letters")
            return _clusters
    return lambda text: word_tokenize(text, engine="newmm", keep_whitespace=True) or [text]


def _clusters(text: str) -> list[str]:
    """Grapheme-like clusters: a letter with the marks that follow it."""
    out: list[str] = []
    for char in text:
        if out and (unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me")):
            out[-1] += char
        else:
            out.append(char)
    return out


def _tokens(paragraph: str) -> Iterator[str]:
    """Break opportunities: spaces stay tokens; Thai runs are split into words."""
    for part in re.split(r"( +)", paragraph):
        if not part:
            continue
        if part[0] == " " or not _THAI_CHARS.search(part):
            yield part
            continue
        position = 0
        for match in _THAI_CHARS.finditer(part):
            if match.start() > position:
                yield part[position : match.start()]
            yield from _thai_tokenizer()(match.group())
            position = match.end()
        if position < len(part):
            yield part[position:]


def _measure(text: str, size: float, bold: bool, fonts: Fonts) -> float:
    if is_plain(text, fonts):
        return pdfmetrics.stringWidth(text, fonts.name(LATIN, bold), size)
    return layout_line(text, size, bold=bold, rtl=is_rtl(text), fonts=fonts).width


_WRAPPED: dict[tuple, tuple[Line, ...]] = {}
_WRAPPED_MAX = 50_000


def wrap_text(text: str, width: float, size: float, *, bold: bool, fonts: Fonts) -> list[Line]:
    """Wrap ``text`` into lines no wider than ``width`` (a word longer than that is cut).

    Remembered: a report with a page per store lays out the same headings and
    question texts hundreds of times (lines are immutable, so sharing is safe).
    """
    key = (text, width, size, bold, id(fonts))
    lines = _WRAPPED.get(key)
    if lines is None:
        if len(_WRAPPED) >= _WRAPPED_MAX:
            _WRAPPED.clear()
        lines = _WRAPPED[key] = tuple(_wrap_text(text, width, size, bold=bold, fonts=fonts))
    return list(lines)


def _wrap_text(text: str, width: float, size: float, *, bold: bool, fonts: Fonts) -> list[Line]:
    lines: list[Line] = []
    for paragraph in clean(text).split("\n"):
        paragraph = _SPACES.sub(" ", paragraph).strip()
        rtl = is_rtl(paragraph)
        if _measure(paragraph, size, bold, fonts) <= width:
            lines.append(layout_line(paragraph, size, bold=bold, rtl=rtl, fonts=fonts))
            continue
        current = ""
        current_width = 0.0
        for token in _tokens(paragraph):
            token_width = _measure(token, size, bold, fonts)
            if current and current_width + token_width <= width:
                current += token
                current_width += token_width
                continue
            if current.strip():
                lines.append(layout_line(current.strip(), size, bold=bold, rtl=rtl, fonts=fonts))
            current, current_width = "", 0.0
            if token == " " * len(token):
                continue
            if token_width <= width:
                current, current_width = token, token_width
                continue
            for cluster in _clusters(token):
                cluster_width = _measure(cluster, size, bold, fonts)
                if current and current_width + cluster_width > width:
                    lines.append(layout_line(current, size, bold=bold, rtl=rtl, fonts=fonts))
                    current, current_width = "", 0.0
                current += cluster
                current_width += cluster_width
        if current.strip():
            lines.append(layout_line(current.strip(), size, bold=bold, rtl=rtl, fonts=fonts))
    return lines


def draw_line(canvas, line: Line, x: float, y: float, color=colors.black) -> None:
    """Draw one laid-out line with its left end at ``x`` and its baseline at ``y``."""
    canvas.setFillColor(color)
    for piece in line.pieces:
        canvas.setFont(piece.font, line.size)
        canvas.drawString(x, y, piece.text)
        x += piece.width


def layout_fields(
    fields: Sequence[str], size: float, *, bold: bool = False, rtl: bool = False, fonts: Fonts
) -> Line:
    """Separate values on one line, each laid out on its own so one's digits never mix
    with the next one's letters; right to left they run from the right."""
    lines = [
        layout_line(_one_line(field), size, bold=bold, rtl=True if rtl else None, fonts=fonts)
        for field in fields
        if field
    ]
    if rtl:
        lines.reverse()
    separator = layout_line(" · ", size, bold=bold, fonts=fonts)
    pieces: list[Piece] = []
    for index, line in enumerate(lines):
        if index:
            pieces += separator.pieces
        pieces += line.pieces
    return Line(tuple(pieces), sum(p.width for p in pieces), rtl, size)


def _one_line(text: object) -> str:
    return _SPACES.sub(" ", clean(text).replace("\n", " ")).strip()


def draw_text(
    canvas,
    text: str | Sequence[str],
    x: float,
    y: float,
    *,
    size: float,
    bold: bool = False,
    align: str = "left",
    max_width: float | None = None,
    color=colors.black,
    rtl: bool = False,
    fonts: Fonts | None = None,
) -> float:
    """Draw one line of user text at baseline ``y``, cut with … to ``max_width``; its width.

    ``text`` may be a sequence of fields, shown joined by a middle dot.
    """
    fonts = fonts or register_fonts()
    if isinstance(text, str):
        text = _one_line(text)
        line = layout_line(text, size, bold=bold, fonts=fonts)
    else:
        line = layout_fields(text, size, bold=bold, rtl=rtl, fonts=fonts)
        text = " · ".join(_one_line(field) for field in text if field)
    if max_width is not None and line.width > max_width:
        line = _shorten(text, max_width, size, bold, fonts)
    if align == "right":
        x -= line.width
    elif align == "center":
        x -= line.width / 2
    draw_line(canvas, line, x, y, color)
    return line.width


def _shorten(text: str, width: float, size: float, bold: bool, fonts: Fonts) -> Line:
    clusters = _clusters(text)
    low, high = 0, len(clusters)
    best = layout_line("…", size, bold=bold, fonts=fonts)
    while low < high:
        middle = (low + high + 1) // 2
        candidate = layout_line(
            "".join(clusters[:middle]).rstrip() + "…", size, bold=bold, fonts=fonts
        )
        if candidate.width <= width:
            best, low = candidate, middle
        else:
            high = middle - 1
    return best


class TextBlock(Flowable):
    """Wrapped user text in any script, drawn without markup; splits across pages by line."""

    def __init__(
        self,
        text: str,
        *,
        size: float = 9,
        bold: bool = False,
        color=colors.black,
        align: str = "start",
        space_before: float = 0,
        space_after: float = 0,
        leading: float | None = None,
        fonts: Fonts | None = None,
        _lines: list[Line] | None = None,
    ) -> None:
        super().__init__()
        self.text = text
        self.size = size
        self.bold = bold
        self.color = color
        self.align = align
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self.leading = leading or size * 1.3
        self.fonts = fonts or register_fonts()
        # A part made by split() keeps its lines; a whole block wraps per width.
        self._fixed = _lines is not None
        self._lines = _lines
        self._wrapped_for: float | None = None

    def __repr__(self) -> str:
        return f"TextBlock({self.text[:40]!r})"

    def _layout(self, width: float) -> list[Line]:
        if self._fixed and self._lines is not None:
            return self._lines
        if self._lines is None or self._wrapped_for != width:
            self._lines = wrap_text(self.text, width, self.size, bold=self.bold, fonts=self.fonts)
            self._wrapped_for = width
        return self._lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        """Lay the text out for ``availWidth``; its height is lines × leading."""
        lines = self._layout(availWidth)
        self.width = availWidth
        self.height = max(len(lines), 1) * self.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        """Split between lines when the block does not fit the frame."""
        lines = self._layout(availWidth)
        fit = int(availHeight // self.leading)
        if fit <= 0 or fit >= len(lines):
            return []
        return [self._part(lines[:fit], after=0), self._part(lines[fit:], before=0)]

    def _part(self, lines: list[Line], before: float | None = None, after: float | None = None):
        return TextBlock(
            self.text,
            size=self.size,
            bold=self.bold,
            color=self.color,
            align=self.align,
            space_before=self.spaceBefore if before is None else before,
            space_after=self.spaceAfter if after is None else after,
            leading=self.leading,
            fonts=self.fonts,
            _lines=lines,
        )

    def draw(self) -> None:
        """Draw each line, aligned by its direction unless told otherwise."""
        canvas = self.canv
        width = self.width
        # The first baseline sits one font size below the top, where reportlab
        # puts a plain table cell's, so both kinds of cell line up in a row.
        baseline = self.height - self.size - (self.leading - self.size * 1.3) / 2
        for line in self._lines or []:
            align = self.align
            if align == "start":
                align = "right" if line.rtl else "left"
            x = 0.0
            if align == "right":
                x = width - line.width
            elif align == "center":
                x = (width - line.width) / 2
            draw_line(canvas, line, x, baseline, self.color)
            baseline -= self.leading
