"""SequenceModel.generate accepts any real temperature > 0 (Python or NumPy, int or float), not bool."""
from fractions import Fraction

import numpy as np
import pytest

from rnnviz.engine.model import SequenceModel
from rnnviz.errors import RnnvizError


@pytest.fixture
def model():
    return SequenceModel("lstm", 5, 4, 5, encoding="onehot", seed=2)


@pytest.mark.parametrize("t", [np.float32(0.5), np.float16(0.5), np.float64(0.5), 0.5, Fraction(1, 2)])
def test_real_temperatures_give_the_same_samples(model, t):
    ref = model.generate([1, 2], 6, temperature=0.5, rng=0)
    np.testing.assert_array_equal(model.generate([1, 2], 6, temperature=t, rng=0), ref)


@pytest.mark.parametrize("t", [np.int64(2), np.int32(2), 2])
def test_integer_temperatures(model, t):
    ref = model.generate([1, 2], 6, temperature=2.0, rng=0)
    np.testing.assert_array_equal(model.generate([1, 2], 6, temperature=t, rng=0), ref)


@pytest.mark.parametrize("t", [True, np.bool_(True), 0, -1.0, np.float32("nan"), float("inf"), "1", None, 1j])
def test_bad_temperatures_are_refused_by_name(model, t):
    with pytest.raises(RnnvizError, match="temperature must be a positive number"):
        model.generate([1, 2], 3, temperature=t)


@pytest.mark.parametrize("t", [10**400, Fraction(10**400, 7)], ids=["int", "Fraction"])
def test_temperature_too_large_for_a_float_is_refused_by_name(model, t):
    with pytest.raises(RnnvizError, match="^temperature must be a positive number, got a number too large for a float"):
        model.generate([1, 2], 3, temperature=t)


@pytest.mark.parametrize("t", [5e-324, 1e-300, Fraction(1, 10**400)], ids=["subnormal", "1e-300", "Fraction"])
def test_tiny_temperature_samples_the_most_likely_token(model, t):
    # the limit of p ∝ exp(logit / t) as t -> 0 is the most likely token (before: NaN probabilities)
    greedy = model.generate([1, 2], 6, greedy=True)
    np.testing.assert_array_equal(model.generate([1, 2], 6, temperature=t, rng=0), greedy)
