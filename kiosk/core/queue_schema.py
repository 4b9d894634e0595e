"""Tables of the queue: counters per prefix and day, tickets, appointments."""

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
