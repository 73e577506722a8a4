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
