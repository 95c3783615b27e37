"""`demo seed` finishes at every scale it offers: its closing line names the scale (a failure there rolled the whole seed back)."""
import types

import pytest


@pytest.mark.parametrize("scale, word", [("small", "small"), ("medium", "medium"), ("large", "large"),
                                         ("xlarge", "very large")])
def test_seed_names_every_scale_it_offers(runner, db, monkeypatch, scale, word):
    from trainer.demo import services

    seeded = []

    def fake_seed(chosen, password, settings):
        seeded.append(chosen)
        return types.SimpleNamespace(nations=["NPL", "FRA"], units=[1, 2, 3])

    monkeypatch.setattr(services, "seed", fake_seed)
    result = runner.invoke(args=["demo", "seed", "--scale", scale])
    assert result.exit_code == 0, result.output
    assert seeded == [scale]
    assert f"Seeded {word} demo data: 2 nations, 3 units." in result.output
