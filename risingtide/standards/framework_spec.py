"""What a framework file says, held in memory: a `FrameworkSpec` (themes, elements, prompts),
and the problems found on the way to one.

Its own module because each step of a framework's journey meets it: reading and checking a
file (framework_files.py, framework_checks.py) make a spec, loading writes one to the database
and export writes one back out (frameworks.py, the public entry point, which re-exports these).
"""

from dataclasses import dataclass, field

from risingtide.standards.framework_models import LEVEL_KEYS

FORMAT = "rising-tide-framework/1"
LEVELS = tuple(LEVEL_KEYS)  # entry, developing, exemplary


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file; `line` is 1-based, or None when no one line is to blame."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class FrameworkFileError(ValueError):
    """A framework file (or loading it) failed; `.problems` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass
class PromptSpec:
    number: int
    text: str


@dataclass
class ElementSpec:
    number: int
    name: str
    summary: str = ""
    levels: dict[str, str] = field(default_factory=dict)  # entry / developing / exemplary
    prompts: list[PromptSpec] = field(default_factory=list)


@dataclass
class ThemeSpec:
    code: str
    name: str
    elements: list[ElementSpec] = field(default_factory=list)


@dataclass
class FrameworkSpec:
    key: str
    name: str
    kind: str
    description: str
    version: str  # the version's label
    source_note: str
    themes: list[ThemeSpec] = field(default_factory=list)
    # An inactive version is kept for reading; new self-evaluations start on the active one.
    active: bool = True
    # Where key, kind and version label were written, so loading can name the line too.
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
