"""The shape of a portfolio export (``portfolio.json``, written by ``exports``), as pydantic
models: what each value is (text, a whole number, a date…), how long or large it may be, and
which parts a file must have.

Everything the import writes is checked against these before anything is written, so a
hand-made or damaged file is refused with the place of each problem instead of failing half-way
(or, worse, being stored and breaking a page later). The models are strict: "5" is not 5, 1 is
not true, NaN and Infinity are no numbers, text never holds a NUL character (the database
refuses it) and a map's keys are as limited as its values. Keys the format does not name are
ignored, and so never written.

What the values mean (a stage the platform has, an item another part of the file names, a file
in the ZIP) is checked afterwards in ``checks``, over the whole file at once, so a file's
problems of sense are all reported together.
"""

from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError, PydanticKnownError


class Part(BaseModel):
    """A part of the file."""

    model_config = ConfigDict(strict=True, extra="ignore", allow_inf_nan=False)


READ_UP_TO = 1000  # problems found before the rest of the file's long lists is skipped


class Entry(Part):
    """An entry of one of the file's long lists (items, connections, feedback…). Once a
    thousand problems are found, the entries after are skipped: a hostile file of a million
    bad entries is refused with its first problems, without the time and memory it would take
    to describe every one (a file with problems is refused whole, so a skipped entry is never
    used)."""

    @model_validator(mode="wrap")
    @classmethod
    def _while_reading(cls, data: Any, handler, info: ValidationInfo):
        reading = info.context
        if reading is None:
            return handler(data)
        if reading["found"] >= READ_UP_TO:
            reading["skipped"] = True
            return cls.model_construct()
        try:
            return handler(data)
        except ValidationError as refused:
            reading["found"] += refused.error_count()
            raise


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul", "holds a NUL character")
    return value


# Types with their limits, capitalised as types are: ``title: Text(150)``.


def Text(limit: int):
    """Text of at most ``limit`` characters."""
    return Annotated[str, Field(max_length=limit), AfterValidator(_no_nul)]


def Whole(low: int, high: int):
    """A whole number from ``low`` to ``high``."""
    return Annotated[int, Field(ge=low, le=high)]


def Entries(kind, limit: int):
    """A list of at most ``limit`` entries of ``kind``."""
    return Annotated[list[kind], Field(max_length=limit)]


# A map's key: JSON keys are always text, but not always short or clean.
Key = Text(300)


def Map(kind, limit: int = 100):
    """An object of at most ``limit`` entries, keys to ``kind``. The format's maps are small
    (keyed by stage, by idea or by success criterion: tens at most), so a big one is refused
    before its entries are read."""

    def few(value: Any) -> Any:
        # Counted before its entries are read (pydantic would read them all first).
        if isinstance(value, dict) and len(value) > limit:
            ctx = {"field_type": "Dictionary", "max_length": limit, "actual_length": len(value)}
            raise PydanticKnownError("too_long", ctx)
        return value

    return Annotated[dict[Key, kind], BeforeValidator(few)]


Name = Text(150)  # a person, by name: people travel as names, never as accounts
Id = Whole(0, 2**63)  # an item's or connection's key inside the file
Body = Text(100_000)
Number = Annotated[float, Field(allow_inf_nan=False)]


def _keepable(moment: date) -> None:
    # Year 1 with a time zone has no UTC time; nothing in a portfolio predates 1900.
    if not 1900 <= moment.year <= 9998:
        raise PydanticCustomError("year", "{year} is not a year we can keep", {"year": moment.year})


def _when(value: Any) -> datetime:
    """A date and time as ``exports`` writes it (ISO 8601, read as Python reads it)."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise PydanticCustomError("when", "not a date and time") from None
    _keepable(moment)
    return moment


def _day(value: Any) -> date:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise PydanticCustomError("day", "not a date") from None
    _keepable(day)
    return day


When = Annotated[datetime, PlainValidator(_when)]
Day = Annotated[date, PlainValidator(_day)]


# --- The project, as it was set ---------------------------------------------------------------


class WheelStage(Part):
    stage: Text(12)
    title: Text(60)
    question: Text(200)
    prompts: Entries(Text(500), 30) = []


class Wheel(Part):
    name: Text(100) = "TASC wheel"
    stages: Entries(WheelStage, 8)


class Project(Part):
    title: Text(150)
    brief: Body = ""
    subject: Text(80) = ""
    key_stage: Text(4)
    mode: Text(10)
    success_criteria: Entries(Text(300), 30) = []
    stage_prompts: Map(Entries(Text(500), 30)) = {}
    start_date: Day | None = None
    due_date: Day | None = None
    wheel: Wheel


class PortfolioInfo(Part):
    name: Text(60) = ""
    members: Entries(Name, 8) = []
    current_stage: Text(12) = ""
    created_at: When | None = None


class StageProgress(Entry):
    stage: Text(12)
    status: Text(8)
    done_at: When | None = None


# --- The work ---------------------------------------------------------------------------------


class Revision(Part):
    version: Whole(1, 2**31 - 1)
    body: Body = ""
    saved_by: Name = ""
    saved_at: When | None = None
    conflicted: bool = False


class Annotation(Part):
    author: Name = ""
    text: Text(2000)
    created_at: When | None = None


class Item(Entry):
    id: Id
    kind: Text(8)
    stage: Text(12)
    title: Text(200)
    position: Whole(0, 2**31 - 1) = 0
    importance: Whole(0, 5) | None = None
    created_by: Name = ""
    created_at: When | None = None
    body: Body = ""
    revisions: Entries(Revision, 5000) = []
    file: Text(200) = ""  # media/… in the ZIP
    file_name: Text(200) = ""
    file_type: Text(120) = ""
    file_size: Whole(0, 2**53) | None = None
    thumbnail: Text(200) = ""  # media/… in the ZIP
    url: Text(2000) = ""
    clip_status: Text(8) = ""
    clip_error: Text(300) = ""
    site_name: Text(200) = ""
    description: Body = ""
    excerpt: Body = ""
    snapshot: Text(1_000_000) = ""
    graph: Annotated[list[Number], Field(min_length=2, max_length=2)] | None = None  # x, y
    categories: Entries(Text(40), 20) = []
    annotations: Entries(Annotation, 1000) = []


class Connection(Entry):
    id: Id
    source: Id
    target: Id
    label: Text(60)
    reason: Text(300) = ""
    created_by: Name = ""
    created_at: When | None = None


# --- What each stage's tool keeps (``portfolios.tools``) -----------------------------------


class Gather(Part):
    known: Entries(Text(500), 50) = []


class Identify(Part):
    questions: Entries(Text(500), 50) = []


class Generate(Part):
    ideas: Entries(Text(500), 50) = []


class Decide(Part):
    criteria: Entries(Text(500), 10) = []
    scores: Map(Map(Whole(0, 3))) = {}  # {idea: {criterion: score}}
    chosen: Whole(0, 999) | None = None
    why: Text(1000) = ""


class Step(Part):
    text: Text(500) = ""
    who: Text(80) = ""
    by: Text(40) = ""
    done: bool = False


class Implement(Part):
    steps: Entries(Step, 20) = []


class Evaluate(Part):
    stars: Entries(Text(500), 2) = []
    wish: Text(500) = ""
    criteria: Map(Text(20)) = {}


class Communicate(Part):
    audience: Text(300) = ""
    items: Entries(Id, 50) = []  # the chosen items, by their id in the file


class JournalEntry(Part):
    text: Text(2000) = ""
    at: Text(40) = ""


class Learn(Part):
    entries: Entries(JournalEntry, 200) = []


TOOLS: dict[str, type[Part]] = {
    "gather": Gather,
    "identify": Identify,
    "generate": Generate,
    "decide": Decide,
    "implement": Implement,
    "evaluate": Evaluate,
    "communicate": Communicate,
    "learn": Learn,
}
OTHER = "other"  # a stage no tool has: refused in ``imports``, by name

Tool = TypeVar("Tool")


class StageWork(Part, Generic[Tool]):
    stage: Text(12)
    data: Tool
    updated_by: Name = ""
    updated_at: When | None = None


def _tool_of(work: Any) -> str:
    stage = work.get("stage") if isinstance(work, dict) else None
    return stage if isinstance(stage, str) and stage in TOOLS else OTHER


# The data's shape depends on its stage, so each stage is a member of a union chosen by it.
AnyStageWork = Annotated[
    Annotated[StageWork[Gather], Tag("gather")]
    | Annotated[StageWork[Identify], Tag("identify")]
    | Annotated[StageWork[Generate], Tag("generate")]
    | Annotated[StageWork[Decide], Tag("decide")]
    | Annotated[StageWork[Implement], Tag("implement")]
    | Annotated[StageWork[Evaluate], Tag("evaluate")]
    | Annotated[StageWork[Communicate], Tag("communicate")]
    | Annotated[StageWork[Learn], Tag("learn")]
    | Annotated[StageWork[Map(Any)], Tag(OTHER)],
    Discriminator(_tool_of),
]


# --- What others said about it ----------------------------------------------------------------


class Review(Entry):
    is_self: bool = False
    by: Name = ""
    anonymous: bool = False
    levels: Map(Whole(0, 5)) = {}  # {criterion index: level index}
    comment: Text(1000) = ""
    created_at: When | None = None


class About(Part):
    """What a thread is about: one item, one connection, one stage, or (none) the portfolio."""

    item: Id | None = None
    connection: Id | None = None
    stage: Text(12) = ""


class Reply(Part):
    author: Name = ""
    body: Text(2000)
    created_at: When | None = None


class Feedback(Entry):
    about: About = Field(default_factory=About)
    kind: Text(14)
    author: Name = ""
    body: Text(2000)
    created_at: When | None = None
    state: Text(8) = ""
    done_at: When | None = None
    accepted_at: When | None = None
    replies: Entries(Reply, 1000) = []


class Export(Part):
    """A whole ``portfolio.json`` (its format and version are checked before this)."""

    project: Project
    portfolio: PortfolioInfo = Field(default_factory=PortfolioInfo)
    stages: Entries(StageProgress, 8) = []
    categories: Entries(Text(40), 1000) = []
    items: Entries(Item, 10_000) = []
    connections: Entries(Connection, 20_000) = []
    stage_work: Entries(AnyStageWork, 8) = []
    reviews: Entries(Review, 1000) = []
    feedback: Entries(Feedback, 10_000) = []


class Refused(ValueError):
    """The file is not of the export's shape: ``error`` is pydantic's account of every
    problem; ``all_counted`` is false if entries were skipped unread (see ``Entry``)."""

    def __init__(self, error: ValidationError, all_counted: bool):
        super().__init__(f"{error.error_count():,} problems")
        self.error, self.all_counted = error, all_counted


def read(data: dict) -> Export:
    """The export in ``data`` (parsed JSON), or ``Refused``."""
    reading = {"found": 0, "skipped": False}
    try:
        return Export.model_validate(data, context=reading)
    except ValidationError as error:
        raise Refused(error, all_counted=not reading["skipped"]) from None
