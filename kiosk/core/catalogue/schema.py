"""Tables of the catalogue: items (事项) as the platform sends them, and their search index."""

from __future__ import annotations

from sqlite_utils import Migrations

migrations = Migrations("kiosk.catalogue")


@migrations()
def create_catalogue(db) -> None:
    db.execute(
        """
        CREATE TABLE catalogue_item (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            version INTEGER NOT NULL,
            name TEXT NOT NULL,
            theme TEXT NOT NULL,
            department TEXT NOT NULL,
            is_bundle INTEGER NOT NULL,
            body TEXT NOT NULL,
            search_name TEXT NOT NULL,
            search_pinyin TEXT NOT NULL,
            search_initials TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX catalogue_item_theme ON catalogue_item (theme, code)")
    # rowid = catalogue_item.id; Chinese text is indexed one character per token so
    # that a phrase query finds any run of characters, pinyin one syllable per token.
    db.execute(
        """
        CREATE VIRTUAL TABLE catalogue_fts USING fts5(
            name, pinyin, initials, content, content_pinyin,
            tokenize = 'unicode61'
        )
        """
    )


@migrations()
def create_reference_data(db) -> None:
    """Other reference data from the platform's feed: calendars, agent accounts, notices."""
    db.execute(
        """
        CREATE TABLE calendar_day (
            day TEXT PRIMARY KEY,
            year INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday'))
        )
        """
    )
    db.execute("CREATE INDEX calendar_day_year ON calendar_day (year)")
    db.execute("CREATE TABLE calendar_year (year INTEGER PRIMARY KEY)")
    db.execute(
        """
        CREATE TABLE agent_account (
            agent_id TEXT PRIMARY KEY,
            name BLOB NOT NULL,  -- sealed
            active INTEGER NOT NULL,
            villages TEXT NOT NULL,
            pin TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE notice (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            valid_from TEXT NOT NULL,
            valid_to TEXT
        )
        """
    )
