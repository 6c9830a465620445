"""HopfieldPooling learns a multiple-instance task in seconds on the CPU."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from assoc import patterns  # noqa: E402
from assoc.nn import HopfieldPooling  # noqa: E402
from assoc.nn.datasets import signal_bags  # noqa: E402

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
