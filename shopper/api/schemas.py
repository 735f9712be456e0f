"""Every body the API takes and answers, declared once.

webargs validates requests with these schemas, the views' answers are dumped
through them, and ``/api/v1/openapi.json`` is written from them. The rules a
value must keep beyond its shape (a checklist document's questions, a store
code's letters, an answer fitting its question) stay in the domain and the
services, which the pages and the CLI share; the schemas name those rules in
their descriptions.
"""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, fields, validate

from shopper.api.pagination import MAX_PAGE, MAX_PER_PAGE
from shopper.config import LANGUAGES
from shopper.domain.comparison import COMPARE_WITH
from shopper.domain.follow_up import ActionStatus, ActionStep
from shopper.domain.i18n import N_
from shopper.domain.workflow import Status
from shopper.models import Role
from shopper.request_limits import LARGEST_ID
from shopper.services.errors import Invalid
from shopper.services.reviews import DECISIONS

ROLES = [str(role) for role in Role]
STATUSES = [str(status) for status in Status]
ACTION_STATUSES = [str(status) for status in ActionStatus]
ACTION_STEPS = [str(step) for step in ActionStep]
YES_NO = ["yes", "no"]
YES_NO_ALL = ["yes", "no", "all"]


def _text(description: str = "", **kwargs: object) -> fields.String:
    return fields.String(metadata={"description": description} if description else {}, **kwargs)


def _date(description: str = "", **kwargs: object) -> fields.String:
    """A YYYY-MM-DD date as the API writes it (the services read and check it)."""
    metadata = {"format": "date", **({"description": description} if description else {})}
    return fields.String(metadata=metadata, **kwargs)


def _timestamp(**kwargs: object) -> fields.String:
    return fields.String(metadata={"format": "date-time"}, **kwargs)


def _page_field(name: str, maximum: int) -> fields.Integer:
    message = f"{name} must be a whole number from 1 to {maximum}."
    return fields.Integer(
        strict=False,
        validate=validate.Range(min=1, max=maximum, error=message),
        error_messages={"invalid": message, "too_large": message},
    )


class Closed(Schema):
    """A body with only the fields it names."""

    class Meta:
        unknown = RAISE
        ordered = True


class CheckedByService(Schema):
    """A body whose values the service checks, as it does for the pages and the file imports.

    The schema declares the fields (for the document and for callers); loading
    only requires a JSON object and hands it on whole, so that each bad value
    is named once, by the one function that also checks the page's form and
    the CSV rows, in the same words.
    """

    def load(self, data: Any, **kwargs: Any) -> Any:
        """The body itself, once it is an object."""
        if not isinstance(data, dict):
            raise Invalid(N_("The body must be a JSON object."), fields={"body": "object"})
        return dict(data)


class Query(Schema):
    """Query parameters: the ones not named are left alone."""

    class Meta:
        unknown = EXCLUDE
        ordered = True


# Errors ---------------------------------------------------------------------


class ErrorBody(Schema):
    code = _text("A word for programs: not_found, invalid, conflict, …", required=True)
    message = _text("What to fix, in the caller's language.", required=True)
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "The bad fields, each with what is wrong with it."},
    )


class ErrorSchema(Schema):
    """Every error answer: ``{"error": {"code", "message", "fields"}}``."""

    class Meta:
        name = "Error"

    error = fields.Nested(ErrorBody, required=True)


# Lists ----------------------------------------------------------------------


class PageQuery(Query):
    page = _page_field("page", MAX_PAGE)
    per_page = _page_field("per_page", MAX_PER_PAGE)


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """The list envelope ``{"items", "page", "per_page", "total"}`` around ``item``."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "page": fields.Integer(required=True, validate=validate.Range(min=1)),
            "per_page": fields.Integer(
                required=True, validate=validate.Range(min=1, max=MAX_PER_PAGE)
            ),
            "total": fields.Integer(required=True, validate=validate.Range(min=0)),
        },
        name=name,
    )


# People ---------------------------------------------------------------------


class User(Schema):
    email = fields.String(required=True, metadata={"format": "email"})
    name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    language = fields.String(required=True, validate=validate.OneOf(list(LANGUAGES)))
    stores = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "A store manager's store codes; empty for everyone else."},
    )


class Person(User):
    active = fields.Boolean(
        required=True, metadata={"description": "False: deactivated, cannot sign in."}
    )
    password_set = fields.Boolean(
        required=True, metadata={"description": "False until the person has used an invitation."}
    )


class InvitedPerson(Person):
    invitation_url = fields.String(
        required=True,
        metadata={"format": "uri", "description": "One-time link to choose a password."},
    )
    invitation_expires_at = _timestamp(required=True)


class NewPerson(CheckedByService):
    class Meta:
        unknown = RAISE

    email = fields.String(required=True, metadata={"format": "email"})
    name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    language = fields.String(validate=validate.OneOf(list(LANGUAGES)), metadata={"default": "en"})
    stores = fields.List(
        fields.String(),
        metadata={"description": "For a manager (required): the codes of the stores they run."},
    )


class PeopleQuery(PageQuery):
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.String(
        validate=validate.OneOf(YES_NO_ALL), metadata={"description": "Absent: everyone."}
    )
    q = _text("Text in the name or email.")


# Stores ---------------------------------------------------------------------


class Store(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    region = fields.String(required=True)
    city = fields.String(required=True)
    address = fields.String(required=True)
    competitor = fields.Boolean(
        required=True,
        metadata={"description": "A store of another business, visited for benchmarking."},
    )
    active = fields.Boolean(
        required=True, metadata={"description": "Deactivated stores get no new visits."}
    )


class StoreChanges(CheckedByService):
    """A store's fields to set (rules: code letters, lengths, as in the stores CSV)."""

    class Meta:
        unknown = RAISE

    code = _text("Letters, digits, . _ - ; at most 64; fixed once made.")
    name = fields.String()
    region = fields.String()
    city = fields.String()
    address = fields.String()
    competitor = fields.Boolean()
    active = fields.Boolean()


class NewStore(StoreChanges):
    code = _text("Letters, digits, . _ - ; at most 64.", required=True)
    name = fields.String(required=True)


class StoreQuery(PageQuery):
    """The store list's filters: the same names, values and defaults as the stores page."""

    q = _text("Text in the code, name, region, city or address.")
    region = fields.String()
    competitor = fields.String(validate=validate.OneOf(["", *YES_NO]))
    active = fields.String(
        validate=validate.OneOf(["", *YES_NO_ALL]),
        metadata={"description": "Absent: active stores only (as on the page); all: every store."},
    )


# Checklists -----------------------------------------------------------------


class ChecklistSummary(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    latest_version = fields.Integer(required=True, allow_none=True)
    versions = fields.List(fields.Integer(), required=True)
    draft_version = fields.Integer(allow_none=True)
    archived = fields.Boolean()


class ChecklistQuery(PageQuery):
    archived = fields.String(validate=validate.OneOf(["include", "exclude"]))


class ChecklistDocument(CheckedByService):
    """A ``shopper-checklist/1`` document (formats.md); checked as a checklist file is."""

    class Meta:
        unknown = INCLUDE

    format = fields.String(required=True, validate=validate.OneOf(["shopper-checklist/1"]))
    code = fields.String(required=True)
    title = fields.String(required=True)
    language = fields.String()
    description = fields.String()
    critical_zeroes_score = fields.Boolean()
    sections = fields.List(fields.Dict(), required=True)
    translations = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        metadata={"description": "The texts in other languages, by language tag then by code."},
    )


class VersionDocument(ChecklistDocument):
    version = fields.Integer(required=True)


class ImportQuery(Query):
    draft = fields.Boolean(metadata={"description": "true: keep the new version as a draft."})


class DraftDocument(CheckedByService):
    """The builder's draft as it stands: any object (its problems are answered, not refused)."""

    class Meta:
        unknown = INCLUDE


class DraftQuery(Query):
    version = fields.Integer(
        metadata={"description": "The draft number the editor holds; another one answers 409."}
    )


class Problem(Schema):
    path = fields.String(required=True)
    message = fields.String(required=True)
    text = fields.String(required=True)


class DraftState(Schema):
    version = fields.Integer(required=True)
    problems = fields.List(fields.Nested(Problem), required=True)
    max_points = fields.Float(required=True)
    section_max_points = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)


class Draft(DraftState):
    document = fields.Dict(required=True)


class ChecklistVersionRef(Schema):
    code = fields.String(required=True)
    version = fields.Integer(required=True)


class Targets(Schema):
    """A checklist's targets as they are now (scoring.md: below target)."""

    overall = fields.Float(
        required=True, allow_none=True, metadata={"description": "0–100, or null: no target."}
    )
    sections = fields.Dict(
        keys=fields.String(),
        values=fields.Float(allow_none=True),
        required=True,
        metadata={
            "description": "Each section of the latest published version → its target "
            "(0–100), or null: none."
        },
    )


class TargetsInput(CheckedByService):
    """The targets to set, whole (rules: numbers 0–100 or null; section codes of the latest
    published version; each problem named by its path, e.g. ``sections.welcome``)."""

    class Meta:
        unknown = RAISE

    overall = fields.Float(
        allow_none=True,
        validate=validate.Range(min=0, max=100),
        metadata={"description": "0–100, or null (or absent): no overall target."},
    )
    sections = fields.Dict(
        keys=fields.String(),
        values=fields.Float(allow_none=True, validate=validate.Range(min=0, max=100)),
        allow_none=True,
        metadata={"description": "Section code → 0–100, or null: no target for that section."},
    )


# Assignments and visits -----------------------------------------------------


class Assignment(Schema):
    id = fields.Integer(required=True)
    store = fields.String(required=True)
    store_name = fields.String()
    store_address = fields.String()
    checklist = fields.String(required=True)
    checklist_title = fields.String()
    version = fields.Integer(required=True)
    shopper = fields.String(required=True, metadata={"format": "email"})
    first_day = _date(required=True)
    last_day = _date(required=True)
    briefing = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    visit_id = fields.Integer(required=True, allow_none=True)


class AssignmentInput(Closed):
    store = _text("A store code.")
    checklist = _text("A checklist code.")
    shopper = fields.String(metadata={"format": "email"})
    first_day = _date()
    last_day = _date()
    briefing = fields.String()


class NewAssignments(AssignmentInput):
    """One assignment's fields, or ``items``: a list of them (all made, or none)."""

    items = fields.List(fields.Nested(AssignmentInput))


class CreatedAssignments(Schema):
    items = fields.List(fields.Nested(Assignment), required=True)


class AssignmentQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(STATUSES))
    store = _text("A store code.")
    shopper = _text("A shopper's email.")
    checklist = _text("A checklist code.")


class AssignmentChanges(Closed):
    first_day = _date()
    last_day = _date()
    briefing = fields.String()


class CancelBody(Closed):
    note = _text("Why (at most 1000 characters).")


class ReassignBody(Closed):
    shopper = fields.String(required=True, metadata={"format": "email"})


class Event(Schema):
    at = _timestamp(required=True)
    actor = fields.String(required=True, allow_none=True)
    action = fields.String(required=True)
    note = fields.String(required=True, allow_none=True)
    details = fields.Raw(required=True, allow_none=True)


class Events(Schema):
    items = fields.List(fields.Nested(Event), required=True)


class Answer(Schema):
    class Meta:
        unknown = EXCLUDE

    value = fields.Raw(allow_none=True, metadata={"description": "As the question takes it."})
    comment = fields.String(allow_none=True)


class VisitInput(CheckedByService):
    """The report as the phone sends it; each answer is checked against its question."""

    class Meta:
        unknown = EXCLUDE

    client_id = fields.String(
        allow_none=True, metadata={"description": "1 to 64 letters, digits, - or _."}
    )
    visited_on = _date(allow_none=True)
    time_in = _text("HH:MM", allow_none=True)
    time_out = _text("HH:MM", allow_none=True)
    answers = fields.Dict(keys=fields.String(), values=fields.Nested(Answer))


class Photo(Schema):
    id = fields.Integer(required=True)
    question = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    taken_at = _timestamp(allow_none=True)
    url = fields.String(metadata={"format": "uri-reference"})
    thumbnail_url = fields.String(metadata={"format": "uri-reference"})


class PhotoUpload(Schema):
    class Meta:
        unknown = EXCLUDE

    question = _text("The question's code.", required=True)
    file = fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": "JPEG, PNG, WebP, HEIC."},
    )
    taken_at = _timestamp()


class PhotoQuery(Query):
    size = fields.String(validate=validate.OneOf(["thumb"]))


class Scores(Schema):
    overall = fields.Float(required=True, allow_none=True)
    sections = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    earned = fields.Float(allow_none=True)
    possible = fields.Float(allow_none=True)
    critical_failure = fields.Boolean()


class Visit(Schema):
    id = fields.Integer(required=True)
    assignment_id = fields.Integer()
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    client_id = fields.String(allow_none=True)
    visited_on = _date(allow_none=True)
    time_in = fields.String(allow_none=True)
    time_out = fields.String(allow_none=True)
    answers = fields.Dict(keys=fields.String(), values=fields.Nested(Answer), required=True)
    photos = fields.List(fields.Nested(Photo), required=True)
    scores = fields.Nested(
        Scores,
        required=True,
        allow_none=True,
        metadata={"description": "Only while the report is submitted or approved."},
    )
    review_note = fields.String(required=True)
    returned_questions = fields.List(
        fields.String(),
        metadata={"description": "A returned report: the questions the coordinator named."},
    )
    saved_at = _timestamp()
    submitted_at = _timestamp(allow_none=True)
    submitted_late = fields.Boolean()


class ReviewBody(Closed):
    # The words are checked by reviews.decide, which the review page calls too.
    decision = fields.String(required=True, metadata={"enum": list(DECISIONS)})
    note = _text("Required to return a report.")
    questions = fields.List(
        fields.String(validate=validate.Length(max=64)),
        validate=validate.Length(max=500),
        metadata={"description": "Returning: the codes of the questions the shopper must change."},
    )


class ApproveMany(Closed):
    # Ids past the database are refused by the view, as on the review page (is_database_id).
    ids = fields.List(
        fields.Integer(strict=True, metadata={"minimum": 1, "maximum": LARGEST_ID}), required=True
    )


class Approved(Schema):
    approved = fields.Integer(required=True)


# Store follow-up actions ------------------------------------------------------


class ActionEvent(Schema):
    at = _timestamp(required=True)
    who = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The coordinator or manager; null for the product itself."},
    )
    step = fields.String(required=True, validate=validate.OneOf(ACTION_STEPS))
    status = fields.String(required=True, validate=validate.OneOf(ACTION_STATUSES))
    note = fields.String(required=True)


class ActionOutcome(Schema):
    visit_id = fields.Integer(required=True)
    visited_on = _date(required=True, allow_none=True)
    result = fields.String(required=True, validate=validate.OneOf(["held", "failed_again"]))


class Action(Schema):
    id = fields.Integer(required=True)
    store = fields.String(required=True)
    store_name = fields.String()
    title = fields.String(required=True)
    details = fields.String(required=True)
    standard = _text("The standard the question checks, when the action is about one.")
    status = fields.String(required=True, validate=validate.OneOf(ACTION_STATUSES))
    due_on = _date(required=True)
    overdue = fields.Boolean(metadata={"description": "Still open after its due date."})
    visit_id = fields.Integer(required=True, allow_none=True)
    question = fields.String(required=True, allow_none=True)
    created_at = _timestamp(required=True)
    events = fields.List(fields.Nested(ActionEvent), required=True)
    outcomes = fields.List(
        fields.Nested(ActionOutcome),
        metadata={
            "description": "The question's result in the store's approved visits made since "
            "the action opened, oldest first."
        },
    )
    stands_out = fields.Boolean(
        metadata={"description": "Reopened, or its question failed again in a later visit."}
    )


class ActionQuery(PageQuery):
    store = _text("A store code.")
    status = fields.String(validate=validate.OneOf(ACTION_STATUSES))
    region = _text("A region: its stores' actions.")
    overdue = fields.String(
        validate=validate.OneOf(YES_NO), metadata={"description": "yes: open past the due date."}
    )


class NewAction(Closed):
    store = _text("A store code.", required=True)
    title = _text("What the store must fix (the question's text when left out).")
    details = fields.String()
    due_on = _date(required=True)
    visit_id = fields.Integer(
        strict=True,
        allow_none=True,
        metadata={"minimum": 1, "maximum": LARGEST_ID, "description": "The visit it is about."},
    )
    question = _text("The code of the visit's question it is about.", allow_none=True)


class RespondBody(Closed):
    note = _text("What the store did.", required=True)


class VerifyBody(Closed):
    decision = fields.String(required=True, metadata={"enum": ["close", "reopen"]})
    note = _text("Required to reopen.")


# Comparison -----------------------------------------------------------------


class ComparisonQuery(Query):
    checklist = fields.String(required=True)
    first_day = _date(required=True)
    last_day = _date(required=True)
    region = fields.String()
    competitors = fields.String(validate=validate.OneOf(["include", "exclude"]))
    store = fields.String(
        metadata={"description": "One store's code: the stores listed are that one only."}
    )
    compare = fields.String(validate=validate.OneOf(list(COMPARE_WITH)))
    store = fields.String(metadata={"description": "One store's code: its own report"})
    details = fields.String(
        validate=validate.OneOf(["stores"]),
        metadata={"description": "PDF only: a section per store after the chain pages"},
    )


class ComparisonFileQuery(ComparisonQuery):
    """The comparison's query, and what a file is written in."""

    language = fields.String(
        validate=validate.OneOf(list(LANGUAGES)),
        metadata={"description": "Headings and checklist texts in this language (default: yours)"},
    )
    dialect = fields.String(
        validate=validate.OneOf(["comma", "point"]),
        metadata={
            "description": "CSV only: comma (`;` between cells, `,` decimals) or point "
            "(`,` and `.`); default: the one the file's language reads"
        },
    )


class Comparison(Schema):
    """The comparison document of spec/api.md (encoded as it is built, not dumped)."""

    class Meta:
        unknown = INCLUDE

    checklist = fields.Raw(required=True)
    first_day = _date(required=True)
    last_day = _date(required=True)
    previous = fields.Raw(required=True, allow_none=True)
    compare = fields.String(required=True)
    sections = fields.Raw(required=True)
    questions = fields.Raw(required=True)
    stores = fields.Raw(required=True)
    not_visited = fields.Raw(required=True)
    regions = fields.Raw(required=True)
    chain = fields.Raw(required=True)
    competitors = fields.Raw(required=True)
