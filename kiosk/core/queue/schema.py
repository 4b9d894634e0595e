"""Tables of the queue: counters per prefix and day, tickets, appointments, the queue log,
phone tickets.

The migration set keeps its name (``kiosk.queue``) from when it was one module, so a
store made by an earlier version carries on where it stopped.
"""

from __future__ import annotations

from sqlite_utils import Migrations

migrations = Migrations("kiosk.queue")


@migrations()
def create_queue(db) -> None:
    db.execute(
        """
        CREATE TABLE ticket_counter (
            prefix TEXT NOT NULL,
            day TEXT NOT NULL,
            last_no INTEGER NOT NULL,
            PRIMARY KEY (prefix, day)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE ticket (
            ticket_id TEXT PRIMARY KEY,
            day TEXT NOT NULL,
            prefix TEXT NOT NULL,
            number INTEGER NOT NULL,
            ticket_no TEXT NOT NULL,
            service_code TEXT NOT NULL,
            priority TEXT,
            appointment_code TEXT,
            order_at TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN
                ('waiting', 'called', 'serving', 'served', 'no_show', 'cancelled')),
            counter TEXT,
            recalls INTEGER NOT NULL DEFAULT 0,
            issued_at TEXT NOT NULL,
            called_at TEXT,
            serving_at TEXT,
            finished_at TEXT,
            UNIQUE (prefix, day, number)
        )
        """
    )
    db.execute("CREATE INDEX ticket_waiting ON ticket (day, state, service_code, order_at)")
    db.execute("CREATE INDEX ticket_no ON ticket (day, ticket_no)")
    db.execute("CREATE INDEX ticket_served ON ticket (service_code, state, finished_at)")
    db.execute(
        """
        CREATE TABLE counter_activity (
            counter TEXT PRIMARY KEY,
            active_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE appointment (
            code TEXT PRIMARY KEY,
            service_code TEXT NOT NULL,
            slot_at TEXT NOT NULL,
            ticket_id TEXT REFERENCES ticket (ticket_id),
            created_at TEXT NOT NULL
        )
        """
    )


_TICKET_COLUMNS = (
    "ticket_id, day, prefix, number, ticket_no, service_code, priority, appointment_code,"
    " order_at, state, counter, recalls, issued_at, called_at, serving_at, finished_at"
)


@migrations()
def hall_queue(db) -> None:
    """The hall: a ``held`` state (挂起), the queue log, paused counters and paused issuing.

    SQLite cannot change a CHECK constraint in place, so ``ticket`` is rebuilt; the
    appointment table that refers to it is rebuilt alongside, which keeps its foreign key
    enforced the whole time (the rename carries the reference over).
    """
    db.execute(
        """
        CREATE TABLE ticket_new (
            ticket_id TEXT PRIMARY KEY,
            day TEXT NOT NULL,
            prefix TEXT NOT NULL,
            number INTEGER NOT NULL,
            ticket_no TEXT NOT NULL,
            service_code TEXT NOT NULL,
            priority TEXT,
            appointment_code TEXT,
            order_at TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN
                ('waiting', 'called', 'serving', 'held', 'served', 'no_show', 'cancelled')),
            counter TEXT,
            recalls INTEGER NOT NULL DEFAULT 0,
            issued_at TEXT NOT NULL,
            called_at TEXT,
            serving_at TEXT,
            finished_at TEXT,
            UNIQUE (prefix, day, number)
        )
        """
    )
    db.execute(f"INSERT INTO ticket_new ({_TICKET_COLUMNS}) SELECT {_TICKET_COLUMNS} FROM ticket")
    db.execute(
        """
        CREATE TABLE appointment_new (
            code TEXT PRIMARY KEY,
            service_code TEXT NOT NULL,
            slot_at TEXT NOT NULL,
            ticket_id TEXT REFERENCES ticket_new (ticket_id),
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("INSERT INTO appointment_new SELECT * FROM appointment")
    db.execute("DROP TABLE appointment")
    db.execute("DROP TABLE ticket")
    db.execute("ALTER TABLE ticket_new RENAME TO ticket")
    db.execute("ALTER TABLE appointment_new RENAME TO appointment")
    db.execute("CREATE INDEX ticket_waiting ON ticket (day, state, service_code, order_at)")
    db.execute("CREATE INDEX ticket_no ON ticket (day, ticket_no)")
    db.execute("CREATE INDEX ticket_served ON ticket (service_code, state, finished_at)")
    db.execute("CREATE INDEX ticket_counter_state ON ticket (day, counter, state)")
    db.execute(
        """
        CREATE TABLE queue_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            day TEXT NOT NULL,
            action TEXT NOT NULL,
            ticket_id TEXT,
            ticket_no TEXT,
            priority INTEGER NOT NULL DEFAULT 0,
            service_code TEXT,
            counter TEXT,
            reason TEXT,
            actor TEXT,
            request_id TEXT UNIQUE
        )
        """
    )
    db.execute("CREATE INDEX queue_log_day_action ON queue_log (day, action)")
    db.execute("ALTER TABLE counter_activity ADD COLUMN paused_at TEXT")
    db.execute(
        """
        CREATE TABLE issuing_pause (
            service_code TEXT PRIMARY KEY,
            paused_at TEXT NOT NULL,
            actor TEXT
        )
        """
    )


@migrations()
def phone_tickets(db) -> None:
    """Numbers taken on a phone (扫码取号): every ticket's channel; which phone and network
    address took each phone ticket (digests only, the address's salted by the day); and the
    switch staff use to pause issuing to phones."""
    db.execute("ALTER TABLE ticket ADD COLUMN channel TEXT NOT NULL DEFAULT 'kiosk'")
    db.execute(
        """
        CREATE TABLE phone_ticket (
            ticket_id TEXT PRIMARY KEY REFERENCES ticket (ticket_id),
            day TEXT NOT NULL,
            phone TEXT NOT NULL,
            address TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX phone_ticket_phone ON phone_ticket (day, phone)")
    db.execute("CREATE INDEX phone_ticket_address ON phone_ticket (day, address)")
    db.execute(
        """
        CREATE TABLE phone_pause (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            paused_at TEXT NOT NULL,
            actor TEXT
        )
        """
    )
