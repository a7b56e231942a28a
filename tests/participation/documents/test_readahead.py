"""Reading a cursor's next chunk while the current one is written (documents.readahead): the
same chunks in the same order, errors raised where the caller reads, and an export left
early stops its reader and closes the cursor before the caller's transaction ends."""

import threading
import time

import pytest

from participation.documents.readahead import read_ahead


class Source:
    """Chunks that note which thread read and closed them, and how far ahead it got."""

    def __init__(self, count, fail_at=None, slow=0.0):
        self.count, self.fail_at, self.slow = count, fail_at, slow
        self.read, self.closed_in = 0, None

    def __iter__(self):
        return self

    def __next__(self):
        if self.read == self.fail_at:
            raise RuntimeError("the database went away")
        if self.read == self.count:
            raise StopIteration
        time.sleep(self.slow)
        self.read += 1
        return [self.read] * 3

    def close(self):
        self.closed_in = threading.current_thread()


def test_the_same_chunks_in_order_and_the_source_closed_in_the_reader_thread():
    source = Source(50)
    assert list(read_ahead(source)) == [[n] * 3 for n in range(1, 51)]
    assert source.closed_in is not None and source.closed_in is not threading.current_thread()


def test_an_error_while_reading_is_raised_to_the_caller_after_the_chunks_before_it():
    source = Source(10, fail_at=4)
    got = []
    with pytest.raises(RuntimeError, match="went away"):
        for chunk in read_ahead(source):
            got.append(chunk[0])
    assert got == [1, 2, 3, 4]
    assert source.closed_in is not None


def test_leaving_early_stops_the_reader_at_most_depth_chunks_ahead_and_closes_the_source():
    source = Source(1000, slow=0.001)
    chunks = read_ahead(source, depth=2)
    assert next(chunks) == [1, 1, 1]
    time.sleep(0.2)  # the reader fills the queue, then waits
    before = threading.active_count()
    chunks.close()
    assert source.closed_in is not None  # closed before close() returned
    assert source.read <= 1 + 2 + 1  # the one taken, two queued, one in the reader's hands
    assert threading.active_count() <= before - 1  # the reader is gone
