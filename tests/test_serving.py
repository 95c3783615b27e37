"""A serving process collects its youngest objects less often than Python's default and leaves what the app is built
from out of its full collections (trainer/serving.py); the entry point gunicorn and the CLI load tunes it so."""
import gc
from pathlib import Path

from trainer.serving import YOUNGEST_THRESHOLD, existing_objects_set_aside, tune_for_serving


def test_a_serving_process_leaves_short_lived_objects_to_reference_counting():
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        tune_for_serving()
        assert gc.get_threshold() == (YOUNGEST_THRESHOLD, 10, 10) and YOUNGEST_THRESHOLD >= 10_000
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def test_a_full_collection_in_a_serving_process_no_longer_walks_what_the_app_was_built_from(app):
    before = gc.get_threshold()
    try:
        tune_for_serving()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000, "the app's own objects were not set aside"
        tracked = len(gc.get_objects())  # what a full collection walks: the frozen objects are not among them
        assert tracked < frozen
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def test_a_long_piece_of_work_sets_aside_what_existed_before_it_and_gives_it_back_after():
    gc.unfreeze()
    with existing_objects_set_aside():
        assert gc.get_freeze_count() > 10_000
    assert gc.get_freeze_count() == 0


def test_a_long_piece_of_work_in_a_serving_process_leaves_the_app_set_aside(app):
    before = gc.get_threshold()
    try:
        tune_for_serving()
        frozen = gc.get_freeze_count()
        with existing_objects_set_aside():
            pass
        assert gc.get_freeze_count() > frozen // 2, "the app was given back to the collector"
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def test_the_entry_point_tunes_the_process_once_the_app_is_built():
    source = (Path(__file__).resolve().parents[1] / "wsgi.py").read_text(encoding="utf-8")
    assert source.index("app = create_app()") < source.index("tune_for_serving()")
