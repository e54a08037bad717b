"""The full-text search index: its SQL for each database, installed by a migration.

Triggers rather than service calls keep it in step: every way a post's text or a topic's title
changes (services, bulk updates, the admin, a data migration) passes through the table, so nothing
has to remember to reindex. Visibility (deleted, hidden, unlisted) is not indexed; searches apply
it when they run, so hiding or deleting needs no index change at all.

PostgreSQL: a `search_vector` tsvector column on forum_post (the topic title weighted A on the
first post, the post text weighted B) with a GIN index, set by a BEFORE trigger on the post and
refreshed by a trigger on the topic's title. The column is not a model field: only the SQL in
forum/search reads it.

SQLite: an FTS5 table `forum_post_search` (rowid = post id; columns title and body) kept by
triggers on forum_post and forum_topic. SQLite has no regular expressions, so quote tags are cut
by a few bounded UPDATE statements (a post with more quotes than that keeps the extra tags' words).

Trap: when a later migration makes Django copy forum_post or forum_topic on SQLite (some field
changes rebuild the table), the SQLite triggers go with the old table. `install()` puts them back
and rebuilds the index; the search tests fail loudly if they are missing.

The migration runs this module's SQL as it is today: change it only in ways that are safe to run
again on an existing database (CREATE OR REPLACE, IF NOT EXISTS), or freeze a copy in a new
migration.
"""

# --- PostgreSQL --------------------------------------------------------------------------------

POSTGRES_REBUILD = [
    """
    UPDATE forum_post p SET search_vector = evident_post_search_vector(
      CASE WHEN p.post_number = 1 THEN t.title END, p.raw)
      FROM forum_topic t WHERE t.id = p.topic_id
    """,
]

POSTGRES_INSTALL = [
    # Quote tags are markup, not words; \x02 and \x03 are removed because snippets use them as
    # highlight markers (see snippets.py).
    r"""
    CREATE OR REPLACE FUNCTION evident_search_text(raw text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT regexp_replace(regexp_replace(coalesce(raw, ''), '\[/?quote[^\]]*\]', ' ', 'gi'),
                            '[\x02\x03]', '', 'g')
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION evident_post_search_vector(title text, raw text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
          || setweight(to_tsvector('english'::regconfig, evident_search_text(raw)), 'B')
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION evident_post_search_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector := evident_post_search_vector(
        CASE WHEN NEW.post_number = 1 THEN (SELECT title FROM forum_topic WHERE id = NEW.topic_id) END,
        NEW.raw);
      RETURN NEW;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION evident_topic_search_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE forum_post SET search_vector = evident_post_search_vector(NEW.title, raw)
       WHERE topic_id = NEW.id AND post_number = 1;
      RETURN NULL;
    END
    $$
    """,
    "ALTER TABLE forum_post ADD COLUMN IF NOT EXISTS search_vector tsvector",
    *POSTGRES_REBUILD,
    "CREATE INDEX IF NOT EXISTS forum_post_search_vector_gin ON forum_post USING gin (search_vector)",
    "DROP TRIGGER IF EXISTS forum_post_search_vector ON forum_post",
    """
    CREATE TRIGGER forum_post_search_vector
      BEFORE INSERT OR UPDATE OF raw, topic_id, post_number ON forum_post
      FOR EACH ROW EXECUTE FUNCTION evident_post_search_trigger()
    """,
    "DROP TRIGGER IF EXISTS forum_topic_search_title ON forum_topic",
    """
    CREATE TRIGGER forum_topic_search_title
      AFTER UPDATE OF title ON forum_topic
      FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title)
      EXECUTE FUNCTION evident_topic_search_trigger()
    """,
]

POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS forum_topic_search_title ON forum_topic",
    "DROP TRIGGER IF EXISTS forum_post_search_vector ON forum_post",
    "DROP INDEX IF EXISTS forum_post_search_vector_gin",
    "ALTER TABLE forum_post DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS evident_topic_search_trigger()",
    "DROP FUNCTION IF EXISTS evident_post_search_trigger()",
    "DROP FUNCTION IF EXISTS evident_post_search_vector(text, text)",
    "DROP FUNCTION IF EXISTS evident_search_text(text)",
]

# --- SQLite ------------------------------------------------------------------------------------

# The same text PostgreSQL indexes: closing quote tags and the highlight markers removed.
_SQLITE_TEXT = "replace(replace(replace(replace({raw}, char(2), ''), char(3), ''), '[/quote]', ' '), '[/QUOTE]', ' ')"
_SQLITE_TITLE = (
    "CASE WHEN {post}.post_number = 1 THEN coalesce((SELECT title FROM forum_topic WHERE id = {post}.topic_id), '')"
    " ELSE '' END"
)
# Cuts the first `[quote...]` opening tag (through its `]`) from the rows matched by {where}.
_SQLITE_CUT_QUOTE_TAG = """
  UPDATE forum_post_search
     SET body = substr(body, 1, instr(lower(body), '[quote') - 1) || ' '
             || substr(body, instr(lower(body), '[quote') + instr(substr(body, instr(lower(body), '[quote')), ']'))
   WHERE {where} instr(lower(body), '[quote') > 0
     AND instr(substr(body, instr(lower(body), '[quote')), ']') > 0;"""
QUOTE_TAG_PASSES = 6


def _sqlite_index_row(post: str) -> str:
    cuts = "".join(_SQLITE_CUT_QUOTE_TAG.format(where=f"rowid = {post}.id AND") for _ in range(QUOTE_TAG_PASSES))
    return (
        f"  INSERT INTO forum_post_search(rowid, title, body) VALUES ({post}.id, "
        f"{_SQLITE_TITLE.format(post=post)}, {_SQLITE_TEXT.format(raw=post + '.raw')});{cuts}\n"
    )


SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS forum_post_search_insert",
    "CREATE TRIGGER forum_post_search_insert AFTER INSERT ON forum_post BEGIN\n"
    + _sqlite_index_row("NEW") + "END",
    "DROP TRIGGER IF EXISTS forum_post_search_update",
    "CREATE TRIGGER forum_post_search_update AFTER UPDATE OF raw, topic_id, post_number ON forum_post BEGIN\n"
    "  DELETE FROM forum_post_search WHERE rowid = OLD.id;\n"
    + _sqlite_index_row("NEW") + "END",
    "DROP TRIGGER IF EXISTS forum_post_search_delete",
    "CREATE TRIGGER forum_post_search_delete AFTER DELETE ON forum_post BEGIN\n"
    "  DELETE FROM forum_post_search WHERE rowid = OLD.id;\nEND",
    "DROP TRIGGER IF EXISTS forum_topic_search_title",
    "CREATE TRIGGER forum_topic_search_title AFTER UPDATE OF title ON forum_topic BEGIN\n"
    "  UPDATE forum_post_search SET title = NEW.title\n"
    "   WHERE rowid IN (SELECT id FROM forum_post WHERE topic_id = NEW.id AND post_number = 1);\nEND",
]

SQLITE_REBUILD = [
    "DELETE FROM forum_post_search",
    "INSERT INTO forum_post_search(rowid, title, body) SELECT p.id, "
    + _SQLITE_TITLE.format(post="p") + ", " + _SQLITE_TEXT.format(raw="p.raw") + " FROM forum_post p",
    *[_SQLITE_CUT_QUOTE_TAG.format(where="").strip().rstrip(";") for _ in range(QUOTE_TAG_PASSES)],
]

SQLITE_INSTALL = [
    # Porter stemming and no diacritic folding: the nearest FTS5 match for PostgreSQL `english`.
    "CREATE VIRTUAL TABLE IF NOT EXISTS forum_post_search USING fts5("
    "title, body, tokenize = 'porter unicode61 remove_diacritics 0')",
    *SQLITE_TRIGGERS,
    *SQLITE_REBUILD,
]

SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS forum_topic_search_title",
    "DROP TRIGGER IF EXISTS forum_post_search_delete",
    "DROP TRIGGER IF EXISTS forum_post_search_update",
    "DROP TRIGGER IF EXISTS forum_post_search_insert",
    "DROP TABLE IF EXISTS forum_post_search",
]


def _execute(connection, statements):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection) -> None:
    """Create the index and its triggers (idempotent), and fill it from the posts."""
    _execute(connection, {"postgresql": POSTGRES_INSTALL, "sqlite": SQLITE_INSTALL}.get(connection.vendor, []))


def remove(connection) -> None:
    _execute(connection, {"postgresql": POSTGRES_REMOVE, "sqlite": SQLITE_REMOVE}.get(connection.vendor, []))


def rebuild(connection) -> None:
    """Recompute every post's index entry (after a restore, or if triggers were lost)."""
    if connection.vendor == "sqlite":
        _execute(connection, SQLITE_TRIGGERS + SQLITE_REBUILD)
    elif connection.vendor == "postgresql":
        _execute(connection, POSTGRES_REBUILD)
