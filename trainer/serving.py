"""How a process that serves the application (gunicorn's workers, `flask --app wsgi` commands) is tuned, in one
place: `wsgi.py` calls it once the app is built, and the bench's in-process measurements do the same."""
from __future__ import annotations

import gc
from contextlib import contextmanager

# Python collects its youngest objects after every 700 new container objects, and now and then every object in the
# process. A dashboard of 3,000 units makes a few hundred thousand short-lived objects, freed as the request ends:
# with the default, about half of such requests paid a full collection over the whole process (150 to 180 ms of a
# 100,000-person dashboard's 300). Collecting the youngest every 20,000 leaves that work to the end of the request,
# where reference counting frees the objects anyway; cycles are still collected.
YOUNGEST_THRESHOLD = 20_000


def tune_for_serving() -> None:
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNGEST_THRESHOLD, middle, old)
    # What the app is built from (modules, mappers, routes, translations) lives as long as the process. A full
    # collection still comes now and then; frozen, those objects are no longer walked by it: it took about 140 ms
    # of a 100,000-person dashboard's first view, and takes a few once they are left out.
    gc.collect()
    gc.freeze()


@contextmanager
def existing_objects_set_aside():
    """While a long piece of work runs (the readiness report of a whole mission), what existed before it is kept out
    of the full collections its own objects trigger, each of which would walk all of it again; given back at the
    end, however the work ends. In a serving process the app is already set aside for good (tune_for_serving) and
    stays so: giving back would undo that for the rest of the process's life."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
