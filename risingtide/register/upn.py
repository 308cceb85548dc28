"""Unique pupil numbers (UPN), checked in full as the School Census checks them.

A UPN is 13 characters: a check letter, the 3-digit LA code, the 4-digit establishment number,
the 2-digit year of issue and a 3-digit serial. A *temporary* UPN ends in a letter instead of a
digit. The check letter: characters 2–13 are weighted 2..13 (a letter counts as its place in
``CHECK_LETTERS``), summed, taken mod 23 and mapped through ``CHECK_LETTERS``.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S

# LA codes in use in England (DfE): inner and outer London, the metropolitan districts, the
# shire counties and unitaries. A UPN whose LA code is outside these is a census error.
LA_CODE_RANGES = ((201, 213), (301, 320), (330, 396), (420, 420), (800, 938))


@dataclass(frozen=True)
class Upn:
    value: str
    temporary: bool

    @property
    def la_code(self) -> int:
        return int(self.value[1:4])


def _weight_value(char: str) -> int:
    return int(char) if char.isdigit() else CHECK_LETTERS.index(char)


def check_letter(body: str) -> str:
    """The check letter for the 12 characters after it."""
    total = sum(_weight_value(c) * w for c, w in zip(body, range(2, 14), strict=True))
    return CHECK_LETTERS[total % 23]


def valid_la_code(code: int) -> bool:
    return any(low <= code <= high for low, high in LA_CODE_RANGES)


def parse_upn(raw: str) -> Upn:
    """The UPN, normalised (spaces gone, upper case), or ValidationError saying what is wrong."""
    value = "".join(str(raw or "").split()).upper()
    if len(value) != 13:
        raise ValidationError(f"A UPN has 13 characters; {value!r} has {len(value)}.")
    head, middle, last = value[0], value[1:12], value[12]
    if not middle.isascii() or not middle.isdigit():
        raise ValidationError(f"{value}: characters 2 to 12 of a UPN are digits.")
    if head not in CHECK_LETTERS:
        raise ValidationError(f"{value}: a UPN starts with a check letter (not I, O or S).")
    temporary = not last.isdigit()
    if temporary and last not in CHECK_LETTERS:
        raise ValidationError(f"{value}: a temporary UPN ends in a letter other than I, O or S.")
    if not last.isascii():
        raise ValidationError(f"{value}: the last character is not a digit or a letter.")
    if not valid_la_code(int(value[1:4])):
        raise ValidationError(f"{value}: {value[1:4]} is not an LA code in use.")
    expected = check_letter(value[1:])
    if head != expected:
        raise ValidationError(f"{value}: the check letter should be {expected}, not {head}.")
    return Upn(value, temporary)


def make_upn(la_code: int, establishment: int, year: int, serial: int | str) -> str:
    """A valid UPN from its parts (a letter serial end makes a temporary UPN): for tests and
    for the generator of demo data."""
    tail = f"{serial:03d}" if isinstance(serial, int) else serial
    body = f"{la_code:03d}{establishment:04d}{year:02d}{tail}"
    return check_letter(body) + body
