"""The two-moons demo trains to 100% accuracy and saves its plots."""

from __future__ import annotations

from micrograd.data import make_moons, tiny
from micrograd.demo import demo_model, main
from micrograd.train import hinge_loss, train


def test_the_demo_network_has_337_parameters():
    assert len(demo_model().parameters()) == 337


def test_make_moons_is_balanced_and_deterministic():
    xs, ys = make_moons(100, seed=3)
    assert len(xs) == 100 and sorted(set(ys)) == [-1, 1] and ys.count(1) == 50
    assert make_moons(100, seed=3) == (xs, ys) != make_moons(100, seed=4)


def test_tiny_returns_fresh_copies():
    xs, ys = tiny()
    xs[0][0] = 99.0
    assert tiny()[0][0][0] == 2.0 and ys == [1.0, -1.0, -1.0, 1.0]


def test_a_short_training_run_reaches_full_accuracy():
    xs, ys = make_moons(30, noise=0.1, seed=1337)
    model = demo_model(1337)
    history = train(model, xs, ys, steps=60)
    assert history.losses[-1] < history.losses[0]
    assert hinge_loss(model, xs, ys)[1] == 1.0


def test_mini_batches_train_too():
    xs, ys = make_moons(60, seed=7)
    model = demo_model(7)
    history = train(model, xs, ys, steps=30, batch_size=20)
    assert len(history.losses) == 30 and history.losses[-1] < history.losses[0]


def test_the_command_saves_both_plots(tmp_path, capsys):
    assert main(["--steps", "3", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "parameters: 337" in out
    for name in ("loss.svg", "decision_boundary.svg"):
        assert (tmp_path / name).read_text().lstrip().startswith("<?xml")
