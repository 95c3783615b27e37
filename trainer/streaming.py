"""Responses written while they are read (a report of a whole force), in a context of their own.

The server resumes a response's generator after the view has returned and the request's transaction has ended,
possibly in another thread-local context each time. The generator here runs every step inside one context of its
own that holds a copy of the request (so the reader, their language and their scope stay those of the request)
and its own application context and database session, read-only, from the first chunk to the last.
"""
from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator

from flask.globals import request_ctx

from trainer.db import write_intent


def stream_in_request_context(make_chunks: Callable[[], Iterator[bytes]]) -> Iterator[bytes]:
    """Yield the chunks of `make_chunks()`, called and advanced inside a copy of the current request's context."""
    copied = request_ctx.copy()
    own = contextvars.Context()

    def start():
        copied.push()
        write_intent.set(False)  # reads only: on SQLite, never hold the write lock while a report streams
        return make_chunks()

    def run():
        chunks = None
        try:
            chunks = own.run(start)
            while True:
                try:
                    chunk = own.run(next, chunks)
                except StopIteration:
                    return
                yield chunk
        finally:
            if chunks is not None:
                own.run(chunks.close)
            own.run(copied.pop)

    return run()
