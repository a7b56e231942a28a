"""What the plain submit URL reads, in one SQL statement written once per process.

Submitting peaks at the deadline. Building the ORM's query for the answer, its page and the
page's view restrictions cost more than running it (about a third of a submit request in the
bench's profile), so the statement is written here from the models' metadata, and its values
go through the same converters the ORM applies (dates on SQLite, JSON, UUIDs).
"""

from functools import cache

from django.db import connection
from django.db.models import DEFERRED
from wagtail.models import Page, PageViewRestriction

from participation.submissions.statements import prepared_cursor

from .models import ConsultationPage, Response

# What submitting reads of the page: its state, place in the tree, address, language, window
# and questionnaire (as stored text, parsed once per process). Not its intro or documents.
PAGE_FIELDS = (
    "id",
    "live",
    "path",
    "depth",
    "url_path",
    "locale",
    "translation_key",
    "page_ptr",
    "opens_at",
    "closes_at",
    "grace_minutes",
    "allow_anonymous",
)


@cache
def _statement(vendor: str):
    """(sql, response fields, page fields, converters per column) for this database."""
    quote = connection.ops.quote_name
    response_fields = list(Response._meta.concrete_fields)
    page_fields = [ConsultationPage._meta.get_field(name) for name in PAGE_FIELDS]
    page_table, own_table = Page._meta.db_table, ConsultationPage._meta.db_table
    alias = {Response._meta.db_table: "r", page_table: "p", own_table: "c"}

    def column(field):
        return f"{alias[field.model._meta.db_table]}.{quote(field.column)}"

    restriction = quote(PageViewRestriction._meta.db_table)
    restriction_page = quote(PageViewRestriction._meta.get_field("page").column)
    alias_of = quote(Page._meta.get_field("alias_of").column)
    path = quote("path")
    # Whether any view restriction may concern the page: one on the page or a page above it,
    # or on a page that one of them is an alias of (a superset of Wagtail's rule: when it is
    # true, restrictions.allowed() applies the exact rule).
    restricted = (
        f"EXISTS (SELECT 1 FROM {restriction} v JOIN {quote(page_table)} vp "
        f"ON vp.{quote('id')} = v.{restriction_page} "
        f"LEFT JOIN {quote(page_table)} va ON va.{alias_of} = vp.{quote('id')} "
        f"WHERE SUBSTR(p.{path}, 1, LENGTH(vp.{path})) = vp.{path} "
        f"OR SUBSTR(p.{path}, 1, LENGTH(va.{path})) = va.{path})"
    )
    questionnaire = f"CAST(c.{quote('questionnaire')} AS TEXT)"
    sql = (
        f"SELECT {', '.join(column(f) for f in response_fields + page_fields)}, "
        f"{questionnaire}, {restricted} "
        f"FROM {quote(Response._meta.db_table)} r "
        f"JOIN {quote(own_table)} c ON c.{quote('page_ptr_id')} = "
        f"r.{quote(Response._meta.get_field('consultation').column)} "
        f"JOIN {quote(page_table)} p ON p.{quote('id')} = c.{quote('page_ptr_id')} "
        f"WHERE r.{quote('id')} = %s AND p.{quote('live')}"
    )
    converters = []
    for field in response_fields + page_fields:
        col = field.get_col(field.model._meta.db_table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        converters.append((col, found))
    return sql, response_fields, page_fields, converters


def read(response_id: int):
    """(response with its page, questionnaire text, may be restricted) for a response of a
    live consultation, or None. The page has only PAGE_FIELDS loaded (others load on access)."""
    sql, response_fields, page_fields, converters = _statement(connection.vendor)
    with prepared_cursor() as cursor:
        cursor.execute(sql, [response_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (col, found) in zip(row[:-2], converters, strict=True):  # then two flags
        for convert in found:
            value = convert(value, col, connection)
        values.append(value)
    split = len(response_fields)
    response = Response.from_db(
        connection.alias, [f.attname for f in response_fields], values[:split]
    )
    loaded = dict(zip((f.attname for f in page_fields), values[split:], strict=True))
    page = ConsultationPage.from_db(
        connection.alias,
        list(loaded),
        [loaded.get(f.attname, DEFERRED) for f in ConsultationPage._meta.concrete_fields],
    )
    response.consultation = page
    return response, row[-2], bool(row[-1])


def _state_columns(table: str) -> tuple[str, str]:
    """The columns of ``counts.STATE_FIELDS`` and whether the snapshot with a digest (the one
    parameter) is recorded, as SQL over the response table named ``table``."""
    from participation.organisations.models import Organisation

    from .models import QuestionnaireSnapshot

    quote = connection.ops.quote_name
    field = Response._meta.get_field

    def own(*names):
        return [f"{table}.{quote(field(name).column)}" for name in names]

    kind = (
        f"(SELECT o.{quote(Organisation._meta.get_field('kind').column)} "
        f"FROM {quote(Organisation._meta.db_table)} o "
        f"WHERE o.{quote('id')} = {table}.{quote(field('organisation').column)})"
    )
    snapshot = QuestionnaireSnapshot._meta
    known = (
        f"EXISTS (SELECT 1 FROM {quote(snapshot.db_table)} s "
        f"WHERE s.{quote(snapshot.get_field('consultation').column)} = "
        f"{table}.{quote(field('consultation').column)} "
        f"AND s.{quote(snapshot.get_field('digest').column)} = %s)"
    )
    from .counts import STATE_FIELDS

    # In the order of counts.STATE_FIELDS, whatever it holds (one list for both).
    columns = [
        kind if name == "organisation__kind" else own("id" if name == "pk" else name)[0]
        for name in STATE_FIELDS
    ]
    return ", ".join(columns), known


def _as_state(row) -> dict:
    from . import counts

    state = dict(zip(counts.STATE_FIELDS, row[:-1], strict=True))
    state["spam"] = bool(state["spam"])  # 0 or 1 on SQLite
    state["snapshot_known"] = bool(row[-1])
    return state


def update_returning_state(statement, snapshot_digest: str, for_organisation=False):
    """Prepares the submit's conditional UPDATE (``submissions.statements.ConditionalUpdate``)
    and returns the function that runs it and returns what ``counted_state`` reads, or None
    when no row matched: one statement instead of two (UPDATE ... RETURNING, on PostgreSQL and
    SQLite 3.35+; two statements elsewhere). The statement is written before it runs (outside
    the submit's transaction).

    An answer ``for_organisation`` is read back in a statement of its own: a change of the
    organisation's kind locks its answers first (consultations/signals.py), and on PostgreSQL
    a subquery of an UPDATE that waited for that lock still sees the kind as it was."""
    if for_organisation or not connection.features.can_return_columns_from_insert:

        def update_then_read():
            return counted_state(statement.pk, snapshot_digest) if statement.run() else None

        return update_then_read
    sql = f"{statement.text()} RETURNING {_returning(connection.vendor)}"
    params = [*statement.params(), snapshot_digest]

    def update_returning():
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return None if row is None else _as_state(row)

    return update_returning


@cache
def _returning(vendor: str) -> str:
    columns, known = _state_columns(connection.ops.quote_name(Response._meta.db_table))
    return f"{columns}, {known}"


@cache
def _state_statement(vendor: str) -> str:
    columns, known = _state_columns("r")
    quote = connection.ops.quote_name
    return (
        f"SELECT {columns}, {known} FROM {quote(Response._meta.db_table)} r "
        f"WHERE r.{quote('id')} = %s"
    )


def counted_state(response_id: int, snapshot_digest: str) -> dict:
    """What counts.keys_of needs of a response besides its answers (``counts.STATE_FIELDS``),
    as stored now, and ``snapshot_known``: whether the snapshot with this digest is recorded
    for its consultation. One statement, for the submit's transaction."""
    with prepared_cursor() as cursor:
        cursor.execute(_state_statement(connection.vendor), [snapshot_digest, response_id])
        return _as_state(cursor.fetchone())
