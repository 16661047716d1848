"""The per-message write of the send-side checkpoint: a sent message's outcome, committed (see ``dispatch``).

A plain successful send is recorded by one UPDATE by primary key, conditional on the claim still being ours,
run alone in autocommit mode (one statement, one commit). Two ways to run it:

- :class:`Recorder` (any database) runs it and checks it at once: the next message starts once it is committed.
- :class:`PipelinedRecorder` (PostgreSQL) sends it to the server and lets the sender go on with the next
  message's envelope (MAIL FROM, RCPT TO) while the server works; it waits for the answer before the next
  message's DATA (``mail.Sender.send(before_data=…)``). The rule of the checkpoint holds unchanged: no message
  is handed over before the previous one's outcome is committed. A crash while the statement is on its way
  leaves that message either recorded or not, like a crash just before a plain UPDATE; the next message cannot
  have been delivered, since the server only delivers a message once its DATA is complete. What it saves is
  the wait: the round trip to the database overlaps two round trips to the mail server.
"""

from __future__ import annotations

import contextlib
import select
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from psycopg import errors, pq

from .models import Recipient, State


class LeaseLost(Exception):
    """Another sender reclaimed this chunk (ours outlived its lease): stop at once."""


def _sent_sql(placeholders: list[str]) -> str:
    """The plain case of ``dispatch._record(..., state=SENT, ...)`` as one statement."""
    state, sent_at, response, mid, pk, token, sending = placeholders
    table = connection.ops.quote_name(Recipient._meta.db_table)
    values = f"state = {state}, sent_at = {sent_at}, smtp_response = {response}, message_id = {mid}"
    values += ", in_doubt = false, claimed_by = '', lease_until = NULL, attempts = attempts + 1"
    return f"UPDATE {table} SET {values} WHERE id = {pk} AND claimed_by = {token} AND state = {sending}"  # noqa: S608 (constants)


class Recorder:
    """Records each sent message before returning (any database)."""

    def __init__(self) -> None:
        self.sql = _sent_sql(["%s"] * 7)
        self.cursor: Any = None

    def sent(self, pk: int, token: str, when: datetime, response: str, mid: str) -> None:
        """Record that message ``pk`` was accepted by the server; :exc:`LeaseLost` if the claim is no longer ours."""
        if self.cursor is None:
            self.cursor = connection.cursor()
        sent_at = connection.ops.adapt_datetimefield_value(when)
        self.cursor.execute(self.sql, [State.SENT.value, sent_at, response, mid, pk, token, State.SENDING.value])
        if self.cursor.rowcount != 1:
            raise LeaseLost

    def settle(self) -> None:
        """Wait until the last record is committed (raises what it raised). Nothing to wait for here."""

    def drain(self) -> None:
        """Leave the connection free for other queries, whatever happened (used on the way out of an error)."""
        if self.cursor is not None:
            self.cursor.close()
            self.cursor = None


class PipelinedRecorder(Recorder):
    """Sends each record without waiting; :meth:`settle` waits for it (PostgreSQL, through libpq directly).

    Between :meth:`sent` and :meth:`settle` the connection is busy: nothing else may use it. The dispatcher
    settles before the next message's DATA, before any other query, and at the end of each chunk.
    """

    NAME = b"vigie_record_sent"
    SENT, SENDING = State.SENT.value.encode(), State.SENDING.value.encode()

    def __init__(self) -> None:
        super().__init__()
        # This thread's database connection, looked up once (``connection`` looks it up at each use).
        self.db = connections[DEFAULT_DB_ALIAS]
        self.sql_bytes = _sent_sql([f"${n}" for n in range(1, 8)]).encode()
        self.pending: Any = None  # the libpq connection with a record on its way
        self.prepared_on: Any = None  # the libpq connection on which the statement is prepared

    def sent(self, pk: int, token: str, when: datetime, response: str, mid: str) -> None:
        self.settle()
        if self.db.connection is None:
            self.db.ensure_connection()
        pgconn = self.db.connection.pgconn
        if self.prepared_on is not pgconn:
            self._prepare(pgconn)
        params = [self.SENT, when.isoformat().encode(), response.encode(), mid.encode(), b"%d" % pk, token.encode()]
        pgconn.send_query_prepared(self.NAME, [*params, self.SENDING])
        self.pending = pgconn
        while pgconn.flush():  # non-blocking connection: wait until the whole statement is out
            select.select([], [pgconn.socket], [])

    def _prepare(self, pgconn: Any) -> None:
        """Prepare the statement on the server, once per connection: planned once, it costs the server about
        a third less per message than the same statement parsed each time (docs/benchmarks.md)."""
        with connection.cursor() as cursor:  # a worker's connection outlives a dispatcher: it may be there already
            cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [self.NAME.decode()])
            exists = cursor.fetchone() is not None
        if not exists:
            result = pgconn.prepare(self.NAME, self.sql_bytes)
            if result.status != pq.ExecStatus.COMMAND_OK:
                with connection.wrap_database_errors:
                    raise errors.error_from_result(result, encoding="utf-8")
        self.prepared_on = pgconn

    def settle(self) -> None:
        if self.pending is None:
            return
        rows = self._result()
        if rows != 1:
            raise LeaseLost

    def drain(self) -> None:
        if self.pending is not None:
            with contextlib.suppress(Exception):  # leaving on an error already: the record stands or not (see above)
                self._result()
        super().drain()

    def _result(self) -> int:
        pgconn, self.pending = self.pending, None
        pgconn.consume_input()  # the answer is usually there already: no need to wait on the socket first
        while pgconn.is_busy():
            select.select([pgconn.socket], [], [])
            pgconn.consume_input()
        result, rest = pgconn.get_result(), pgconn.get_result()
        while rest is not None:
            rest = pgconn.get_result()
        if result is None or result.status != pq.ExecStatus.COMMAND_OK:
            with connection.wrap_database_errors:
                raise (
                    errors.error_from_result(result, encoding="utf-8")
                    if result
                    else errors.OperationalError(pgconn.get_error_message())
                )
        return int(result.command_tuples or 0)


def recorder() -> Recorder:
    """The recorder for the default database."""
    return PipelinedRecorder() if connection.vendor == "postgresql" else Recorder()
