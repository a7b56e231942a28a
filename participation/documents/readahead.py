"""Read a database cursor's next chunk while the current one is written out.

An export reads its rows in chunks from a server-side cursor: each FETCH waits for the
database to find, read and send the next rows, and the database waits while Python writes
them. Measured on PostgreSQL at 100,000 answers, a third of a CSV export's time was that wait.
``read_ahead`` asks for the next chunk from a thread, so the database works on the other
core while this one writes (the thread holds the GIL only to build the rows). The chunks come
in their order, at most ``depth`` ahead; the cursor is read and closed in the thread alone, and
closing the iterator early (a client that goes away) stops the thread and closes the cursor
before it returns, so the caller's transaction can end after it.
"""

import threading
from collections.abc import Iterator
from queue import Empty, Full, Queue

_DONE = object()


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


def read_ahead(chunks: Iterator, depth: int = 2) -> Iterator:
    """``chunks``, each read while the caller works on the one before."""
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.05)
                return True
            except Full:
                continue
        return False

    def reader() -> None:
        try:
            for chunk in chunks:
                if not put(chunk) or stop.is_set():
                    break  # read no further once the caller has left
        except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
            put(_Failed(error))
        finally:
            close = getattr(chunks, "close", None)
            try:
                if close is not None:
                    close()  # here, in the thread that read it: it is not running now
            finally:
                put(_DONE)

    thread = threading.Thread(target=reader, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = queue.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # let a reader blocked on a full queue see the stop
            try:
                queue.get_nowait()
            except Empty:
                thread.join(0.05)
