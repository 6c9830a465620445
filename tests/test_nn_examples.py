"""The three example tasks of hflayers, trained with assoc.nn as hflayers' users write them.

Bit-pattern bags and latch sequences admit a perfect classifier (a signal is never an
ordinary instance; the label is a character that occurs nowhere else), so the layers must
classify every held-out bag or sequence. For bags of digits the accuracy the task allows
is set by how well single images are told apart: the oracle is a support-vector machine
trained on the images with their labels, a bag positive when it finds one 9; the
Hopfield pooling, trained on bag labels only, must come within 0.05 of it (both rates
over 500 test bags, sampling error < 0.022 each). notebooks/hflayers_examples.ipynb runs
the same tasks with the demonstrations' other layers.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch.nn import Conv2d, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential, Sigmoid  # noqa: E402
from torch.nn.functional import binary_cross_entropy_with_logits  # noqa: E402
from torch.nn.utils import clip_grad_norm_  # noqa: E402
from torch.optim import AdamW  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

from assoc.nn import Hopfield, HopfieldLayer, HopfieldPooling  # noqa: E402
from assoc.nn.datasets import bit_pattern_bags, image_bags, latch_sequences  # noqa: E402

pytestmark = pytest.mark.usefixtures("torch_one_thread")


def train(network, data, epochs, lr):
    """The demonstrations' loop: AdamW, binary cross-entropy on logits, clipping."""
    optimiser = AdamW(params=network.parameters(), lr=lr)
    for _ in range(epochs):
        network.train()
        for x, target in DataLoader(data, batch_size=32, shuffle=True):
            loss = binary_cross_entropy_with_logits(network(x), target)
            optimiser.zero_grad()
            loss.backward()
            clip_grad_norm_(network.parameters(), max_norm=1.0)
            optimiser.step()
    network.eval()
    return network


def accuracy(network, x, target):
    with torch.no_grad():
        return (network(x).sigmoid().round() == target).float().mean().item()


def tensors(X, y):
    return torch.from_numpy(X).float(), torch.from_numpy(y).float()


ADAPTED = dict(hidden_size=8, num_heads=8, update_steps_max=3, scaling=0.25, dropout=0.5)


@pytest.mark.parametrize("task", ["bits", "latch"])
@pytest.mark.parametrize(
    "configuration",
    [
        "Hopfield",
        "Hopfield adapted",
        "HopfieldPooling",
        "HopfieldPooling adapted",
        "HopfieldLayer",
        "HopfieldLayer adapted",
    ],
)
def test_the_demonstrations_configurations_run_unchanged(task, configuration):
    # the six networks of the bit-pattern and latch demonstrations, built and trained
    # (two batches) by their code: properties such as output_size, the assignment of
    # (1, quantity, size) data to the lookup weights
    if task == "bits":
        X, y = tensors(*bit_pattern_bags(64, rng=0)[:2])
    else:
        X, y = tensors(*latch_sequences(64, length=32, n_characters=20, rng=0))
    num_instances, size = X.shape[1:]
    torch.manual_seed(42)
    adapted = ADAPTED if configuration.endswith("adapted") else {}
    if configuration.startswith("Hopfield "):
        hopfield = Hopfield(input_size=size, **adapted)
    elif configuration == "Hopfield":
        hopfield = Hopfield(input_size=size)
    if configuration.startswith("HopfieldPooling"):
        pooling = HopfieldPooling(input_size=size, **adapted)
        projection = Linear(in_features=pooling.output_size, out_features=1)
        network = Sequential(pooling, projection, Flatten(start_dim=0))
    elif configuration.startswith("HopfieldLayer"):
        unique = X.view(-1, size).unique(dim=0)
        options = {}
        if adapted:
            options = dict(lookup_weights_as_separated=True, lookup_targets_as_trainable=False)
        lookup = HopfieldLayer(input_size=size, quantity=len(unique), **options)
        if adapted:
            with torch.no_grad():
                lookup.lookup_weights[:] = unique.unsqueeze(dim=0)
            assert torch.equal(lookup.lookup_weights, unique)
        projection = Linear(in_features=lookup.output_size * num_instances, out_features=1)
        network = Sequential(lookup, Flatten(start_dim=1), projection, Flatten(start_dim=0))
    else:
        projection = Linear(in_features=hopfield.output_size * num_instances, out_features=1)
        network = Sequential(hopfield, Flatten(), projection, Flatten(start_dim=0))
    before = [p.detach().clone() for p in network.parameters()]
    train(network, TensorDataset(X, y), epochs=1, lr=1e-3)
    changed = [not torch.equal(b, p) for b, p in zip(before, network.parameters(), strict=True)]
    assert any(changed)
    assert network.forward(input=X).shape == (64,)


def test_bit_pattern_bags_with_the_adapted_lookup_layer():
    # the stored patterns are the distinct training instances, the targets fixed
    X, y = tensors(*bit_pattern_bags(2048, rng=43)[:2])
    unique = X[:1536].reshape(-1, 8).unique(dim=0)
    torch.manual_seed(42)
    lookup = HopfieldLayer(
        input_size=8,
        quantity=len(unique),
        lookup_weights_as_separated=True,
        lookup_targets_as_trainable=False,
    )
    with torch.no_grad():
        lookup.lookup_weights[:] = unique.unsqueeze(dim=0)
    network = Sequential(
        lookup, Flatten(start_dim=1), Linear(lookup.output_size * 16, 1), Flatten(0)
    )
    train(network, TensorDataset(X[:1536], y[:1536]), epochs=25, lr=1e-2)
    assert accuracy(network, X[1536:], y[1536:]) == 1.0


@pytest.mark.parametrize("kind", ["Hopfield", "HopfieldPooling", "HopfieldLayer"])
def test_latch_sequences(kind):
    X, y = tensors(*latch_sequences(2048, length=32, n_characters=20, rng=43))
    torch.manual_seed(42)
    if kind == "Hopfield":
        network = Sequential(Hopfield(input_size=20), Flatten(), Linear(20 * 32, 1), Flatten(0))
    elif kind == "HopfieldPooling":
        network = Sequential(HopfieldPooling(input_size=20), Linear(20, 1), Flatten(0))
    else:
        lookup = HopfieldLayer(input_size=20, quantity=20)
        network = Sequential(lookup, Flatten(start_dim=1), Linear(20 * 32, 1), Flatten(0))
    train(network, TensorDataset(X[:1024], y[:1024]), epochs=4, lr=1e-3)
    assert accuracy(network, X[1024:], y[1024:]) == 1.0


class HfPooling(Module):
    """The MNIST-bags network of the demonstration, its feature extractor sized for 8 x 8
    digits; the bags of a batch are padded and the padding masked."""

    def __init__(self, L=64):
        super().__init__()
        self.L = L
        self.feature_extractor_part1 = Sequential(
            Conv2d(1, 20, kernel_size=3), ReLU(), MaxPool2d(2, stride=2)
        )
        self.feature_extractor_part2 = Sequential(Linear(20 * 3 * 3, L), ReLU())
        self.hopfield_pooling = HopfieldPooling(input_size=L, hidden_size=32, output_size=L)
        self.classifier = Sequential(Linear(L, 1), Sigmoid())

    def forward(self, input, padding):
        B, n = input.shape[:2]
        H = self.feature_extractor_part1(input.flatten(0, 1))
        H = self.feature_extractor_part2(H.view(B * n, -1)).view(B, n, self.L)
        return self.classifier(self.hopfield_pooling(H, padding)).squeeze(-1)


def test_bags_of_digits_come_near_the_image_level_oracle():
    datasets = pytest.importorskip("sklearn.datasets")
    from sklearn.model_selection import train_test_split
    from sklearn.svm import SVC

    digits = datasets.load_digits()
    images = (digits.images / 16.0).astype(np.float32)
    img_train, img_test, lab_train, lab_test = train_test_split(
        images, digits.target, test_size=0.3, random_state=0
    )
    rng = np.random.default_rng(0)
    X, padding, y = (torch.from_numpy(a) for a in image_bags(img_train, lab_train, 200, rng=rng))
    X_test, padding_test, y_test = (
        torch.from_numpy(a) for a in image_bags(img_test, lab_test, 500, rng=rng)
    )
    torch.manual_seed(42)
    network = HfPooling()
    optimiser = AdamW(network.parameters(), lr=5e-4, weight_decay=1e-4)
    data = TensorDataset(X.unsqueeze(2), padding, y.float())
    for _ in range(30):
        network.train()
        for x, pad, target in DataLoader(data, batch_size=8, shuffle=True):
            p = network(x, pad).clamp(1e-5, 1 - 1e-5)
            loss = -(target * p.log() + (1 - target) * (1 - p).log()).mean()
            optimiser.zero_grad()
            loss.backward()
            clip_grad_norm_(network.parameters(), max_norm=1.0)
            optimiser.step()
    network.eval()
    with torch.no_grad():
        predicted = network(X_test.unsqueeze(2), padding_test) >= 0.5
    rate = (predicted == y_test).float().mean().item()

    svm = SVC(gamma=0.25).fit(img_train.reshape(len(img_train), -1), lab_train == 9)
    nines = svm.predict(X_test.reshape(-1, 64).numpy()).reshape(padding_test.shape)
    oracle = ((nines & ~padding_test.numpy()).any(1) == y_test.numpy()).mean()
    majority = max(y_test.float().mean().item(), 1 - y_test.float().mean().item())
    assert oracle > 0.95
    assert rate > majority + 4 * 0.022
    assert rate > oracle - 0.05
