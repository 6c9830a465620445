"""The tasks of assoc.nn.datasets, and HopfieldPooling learning one in seconds."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from assoc import patterns  # noqa: E402
from assoc.nn import HopfieldPooling  # noqa: E402
from assoc.nn.datasets import (  # noqa: E402
    bit_pattern_bags,
    image_bags,
    latch_sequences,
    signal_bags,
)

pytestmark = pytest.mark.usefixtures("torch_one_thread")


def as_tensors(X, padding, y):
    return torch.from_numpy(X).float(), torch.from_numpy(padding), torch.from_numpy(y).float()


def test_signal_bags():
    signal = patterns.random_spins(1, 16, rng=0)[0]
    X, padding, y = signal_bags(400, signal, bag_sizes=(3, 9), flips=1, rng=1)
    distance = (X != signal).sum(-1)
    sizes = (~padding).sum(1)
    assert sizes.min() >= 3 and sizes.max() <= 9
    holds_signal = ((distance == 1) & ~padding).any(1)
    np.testing.assert_array_equal(holds_signal, y)
    assert (((distance == 1) & ~padding).sum(1) == y).all(), "one copy per positive bag"
    assert (distance[~(distance == 1)] >= 3).all()
    assert 0.4 < y.mean() < 0.6  # p = 0.5, 400 bags: 0.5 +- 0.025 (1 sd)


def test_hopfield_pooling_learns_signal_bags():
    # 512 training bags of 4-12 instances of 16 bits, 15 epochs of Adam: about a second.
    # Test accuracy on 1000 fresh bags: 0.986-0.998 over seeds 0-3; sampling error
    # sqrt(0.99 * 0.01 / 1000) = 0.003, so the bar of 0.95 is many errors away.
    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    signal = patterns.random_spins(1, 16, rng=rng)[0]
    X, padding, y = as_tensors(*signal_bags(512, signal, rng=rng))
    X_test, padding_test, y_test = as_tensors(*signal_bags(1000, signal, rng=rng))
    pool = HopfieldPooling(input_size=16, hidden_size=8, output_size=8)
    head = torch.nn.Linear(8, 1)
    optimizer = torch.optim.Adam([*pool.parameters(), *head.parameters()], lr=1e-2)
    for _ in range(15):
        order = torch.randperm(512)
        for i in range(0, 512, 32):
            batch = order[i : i + 32]
            logit = head(pool(X[batch], padding[batch])).squeeze(-1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logit, y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        predicted = head(pool(X_test, padding_test)).squeeze(-1) > 0
        accuracy = (predicted == (y_test > 0.5)).float().mean().item()
        # the learned state pattern attends to the signal instance of a positive bag
        A = pool.association_matrix(X_test, padding_test)[:, 0, 0]  # (bags, instances)
        distance = (X_test != torch.from_numpy(signal).float()).sum(-1)
        on_signal = A[(distance == 1)].mean().item()
    assert accuracy > 0.95
    assert on_signal > 0.5


def test_bit_pattern_bags():
    X, y, signals = bit_pattern_bags(600, n_instances=10, n_bits=6, n_signals=5, rng=2)
    assert X.shape == (600, 10, 6) and X.dtype == np.int8 and set(np.unique(X)) <= {0, 1}
    assert len({tuple(s) for s in signals}) == 5 and signals.any(1).all()
    is_signal = (X[:, :, None, :] == signals[None, None]).all(-1).any(-1)  # (bags, instances)
    assert not (X == 0).all(-1).any(), "no all-zero instance"
    np.testing.assert_array_equal(is_signal.sum(1), y)  # one signal in a positive bag, none else
    # p = 0.5 over 600 bags: 0.5 +- 0.02 (1 sd); the signal's position uniform over 10
    assert abs(y.mean() - 0.5) < 0.08
    positions = np.argmax(is_signal[y], axis=1)
    assert len(np.unique(positions)) == 10


def test_latch_sequences():
    X, y = latch_sequences(500, length=7, n_characters=5, rng=3)
    assert X.shape == (500, 7, 5) and (X.sum(-1) == 1).all()
    np.testing.assert_array_equal(X[:, 0, 1], y)
    assert (X[:, 0, 2:] == 0).all() and (X[:, 1:, :2] == 0).all()
    assert abs(y.mean() - 0.5) < 0.1  # 500 draws: sd 0.022


def test_image_bags():
    images = np.arange(30 * 4, dtype=np.float32).reshape(30, 2, 2)
    labels = np.arange(30) % 10
    X, padding, y = image_bags(images, labels, 200, target=9, mean_size=5, sd_size=1, rng=4)
    assert X.shape[0] == 200 and X.shape[2:] == (2, 2) and X.dtype == np.float32
    sizes = (~padding).sum(1)
    assert sizes.min() >= 1 and abs(sizes.mean() - 5) < 0.3  # sd 1 / sqrt(200) = 0.07
    assert (X[padding] == 0).all()
    index = X[..., 0, 0].astype(int) // 4  # the image each row holds
    holds_nine = ((labels[index] == 9) & ~padding).any(1)
    np.testing.assert_array_equal(holds_nine, y)


DATA_BAD = [
    (lambda: bit_pattern_bags(0), ValueError, "n_bags must be in"),
    (lambda: bit_pattern_bags(4, n_bits=3, n_signals=7), ValueError, "n_signals must be in"),
    (lambda: bit_pattern_bags(4, signals_per_bag=17), ValueError, "signals_per_bag must be in"),
    (lambda: latch_sequences(4, n_characters=2), ValueError, "n_characters must be in"),
    (lambda: image_bags([[1.0]], np.zeros(1, int), 3), TypeError, "images must be a numpy array"),
    (
        lambda: image_bags(np.zeros((3, 2)), np.zeros(4, int), 3),
        ValueError,
        r"labels must be an array of shape \(3\)",
    ),
    (lambda: image_bags(np.zeros((3, 2)), np.zeros(3), 3), TypeError, "labels must be an array"),
]


@pytest.mark.parametrize(("call", "error", "message"), DATA_BAD, ids=[b[2] for b in DATA_BAD])
def test_bad_dataset_arguments_are_rejected_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()
