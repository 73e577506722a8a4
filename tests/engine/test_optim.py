"""Optimisers: PyTorch parity over 20 steps, in-place updates, state_dict round trips, validation."""
import numpy as np
import pytest

from rnnviz.engine.optim import SGD, Adagrad, Adam, RMSprop, make_optimizer, optimizer_from_config
from rnnviz.errors import RnnvizError

CONFIGS = [
    ("sgd", {"lr": 0.1}),
    ("sgd", {"lr": 0.05, "momentum": 0.9}),
    ("sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("adagrad", {"lr": 0.1}),
    ("adagrad", {"lr": 0.1, "eps": 1e-6, "weight_decay": 0.1}),
    ("rmsprop", {"lr": 0.01}),
    ("rmsprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "weight_decay": 0.01}),
    ("rmsprop", {"lr": 0.01, "centered": True, "momentum": 0.3}),
    ("adam", {"lr": 0.01}),
    ("adam", {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05}),
]
IDS = [f"{n}-{'-'.join(k for k in h if k != 'lr') or 'default'}" for n, h in CONFIGS]


def make_params(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return {"weight_hh_l0": rng.standard_normal((6, 3)).astype(dtype),
            "bias": rng.standard_normal(6).astype(dtype),
            "head.weight": rng.standard_normal((2, 4)).astype(dtype)}


class Problem:
    """Quadratic-ish gradients: g = A (p - c) + 0.1 p^3 + noise, noise fixed per step."""

    def __init__(self, params, seed=1):
        rng = np.random.default_rng(seed)
        self.c = {k: rng.standard_normal(v.shape) for k, v in params.items()}
        self.a = {k: rng.uniform(0.5, 2.0, v.shape) for k, v in params.items()}
        self.noise = [{k: 0.1 * rng.standard_normal(v.shape) for k, v in params.items()}
                      for _ in range(40)]

    def grads(self, params, step):
        return {k: (self.a[k] * (p - self.c[k]) + 0.1 * p ** 3 + self.noise[step][k]).astype(p.dtype)
                for k, p in params.items()}


def torch_optimizer(torch, name, tparams, hyper):
    cls = {"sgd": torch.optim.SGD, "adagrad": torch.optim.Adagrad,
           "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam}[name]
    return cls(tparams, foreach=False, **hyper)


@pytest.mark.parametrize("name,hyper", CONFIGS, ids=IDS)
def test_matches_torch_over_20_steps(name, hyper):
    torch = pytest.importorskip("torch")
    params = make_params()
    tparams = {k: torch.nn.Parameter(torch.from_numpy(v.copy())) for k, v in params.items()}
    opt = make_optimizer(name, params, **hyper)
    topt = torch_optimizer(torch, name, list(tparams.values()), hyper)
    prob = Problem(params)
    for step in range(20):
        if step == 10:  # lr changed between steps, as a scheduler would
            opt.lr = hyper["lr"] * 0.5
            for group in topt.param_groups:
                group["lr"] = hyper["lr"] * 0.5
        grads = prob.grads(params, step)
        for k, t in tparams.items():
            t.grad = torch.from_numpy(grads[k].copy())
        opt.step(grads)
        topt.step()
        for k, t in tparams.items():
            ref = t.detach().numpy()
            rel = np.abs(params[k] - ref).max() / np.abs(ref).max()
            assert rel <= 1e-10, (step, k, rel)
    start = make_params()
    assert all(not np.allclose(params[k], start[k]) for k in params)  # it really moved


@pytest.mark.parametrize("name,hyper", CONFIGS, ids=IDS)
def test_updates_in_place_and_keeps_dtype(name, hyper):
    params = make_params(np.float32)
    arrays = dict(params)
    view = params["weight_hh_l0"][1:3]
    before = view.copy()
    opt = make_optimizer(name, params, **hyper)
    opt.step(Problem(params).grads(params, 0))
    assert all(params[k] is arrays[k] for k in params)
    assert all(v.dtype == np.float32 for v in params.values())
    assert not np.array_equal(view, before)  # the view sees the update
    assert opt.step_count == 1


@pytest.mark.parametrize("name,hyper", CONFIGS, ids=IDS)
def test_state_dict_round_trip_continues_identically(name, hyper, tmp_path):
    prob = Problem(make_params())
    a = make_params()
    opt_a = make_optimizer(name, a, **hyper)
    for step in range(7):
        opt_a.step(prob.grads(a, step))
    saved = opt_a.state_dict()
    assert all(isinstance(v, (np.ndarray, float, int)) for v in saved.values())
    np.savez(tmp_path / "opt.npz", **saved)
    loaded = dict(np.load(tmp_path / "opt.npz", allow_pickle=False))

    b = {k: v.copy() for k, v in a.items()}
    opt_b = optimizer_from_config(opt_a.to_config(), b)
    opt_b.load_state_dict(loaded)
    assert opt_b.step_count == 7 and opt_b.to_config() == opt_a.to_config()
    for step in range(7, 15):
        opt_a.step(prob.grads(a, step))
        opt_b.step(prob.grads(b, step))
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    # state_dict is a copy: stepping afterwards does not change it
    assert saved["step"] == 7


def test_state_dict_restores_changed_lr():
    a = make_params()
    opt = Adam(a, lr=0.1)
    opt.lr = 0.003
    opt2 = Adam(make_params(), lr=0.1)
    opt2.load_state_dict(opt.state_dict())
    assert opt2.lr == 0.003 and opt2.betas == (0.9, 0.999)


def test_load_state_dict_rejects_mismatch_and_changes_nothing():
    opt = SGD(make_params(), lr=0.1, momentum=0.9)
    good = opt.state_dict()
    plain = SGD(make_params(), lr=0.1)
    with pytest.raises(RnnvizError, match="state_dict"):
        plain.load_state_dict(good)  # has momentum buffers this one lacks
    bad = dict(good); bad["momentum_buffer.bias"] = np.zeros(5)
    with pytest.raises(RnnvizError, match=r"state_dict\[momentum_buffer.bias\]"):
        opt.load_state_dict(bad)
    bad = dict(good); bad["hyper.lr"] = -1.0; bad["step"] = 3
    with pytest.raises(RnnvizError, match="lr"):
        opt.load_state_dict(bad)
    assert opt.step_count == 0 and opt.lr == 0.1
    with pytest.raises(RnnvizError, match="state_dict"):
        Adagrad(make_params(), lr=0.1).load_state_dict(good)


@pytest.mark.parametrize("value, said", [(1e39, "too large for float32"), (np.nan, "NaN")])
def test_load_state_dict_refuses_moments_that_are_not_finite_in_the_parameters_dtype(value, said):
    """A project's optimiser state is float64 on disk: a moment too large for float32 parameters
    (or NaN) would make every later step inf/NaN. Refused naming the entry; nothing changes."""
    opt = Adam(make_params(np.float32), lr=0.1)
    opt.step({k: np.ones_like(v) for k, v in opt.params.items()})
    before = {k: np.copy(v) for k, v in opt.state_dict().items()}
    bad = {k: np.asarray(v, np.float64) if k.startswith("exp_avg") else v for k, v in before.items()}
    bad["exp_avg_sq.bias"] = bad["exp_avg_sq.bias"].copy()
    bad["exp_avg_sq.bias"][2] = value
    with pytest.raises(RnnvizError, match=rf"state_dict\[exp_avg_sq.bias\].*{said}"):
        opt.load_state_dict(bad)
    after = opt.state_dict()
    assert all(np.array_equal(after[k], v) for k, v in before.items())
    assert all(np.isfinite(v).all() for v in after.values() if isinstance(v, np.ndarray))


def test_sgd_by_hand():
    p = {"w": np.array([1.0, -2.0])}
    opt = SGD(p, lr=0.5, momentum=0.5)
    opt.step({"w": np.array([1.0, 1.0])})   # b = g = 1
    np.testing.assert_allclose(p["w"], [0.5, -2.5])
    opt.step({"w": np.array([1.0, 1.0])})   # b = 0.5 + 1 = 1.5
    np.testing.assert_allclose(p["w"], [-0.25, -3.25])


def test_adam_first_step_is_lr_times_sign():
    p = {"w": np.array([0.0, 0.0, 0.0])}
    Adam(p, lr=0.01).step({"w": np.array([3.0, -0.2, 1e-3])})
    np.testing.assert_allclose(p["w"], [-0.01, 0.01, -0.01], rtol=1e-4)


@pytest.mark.parametrize("name,hyper,field", [
    ("sgd", {"lr": 0.0}, "lr"),
    ("sgd", {"lr": -1.0}, "lr"),
    ("sgd", {"lr": float("nan")}, "lr"),
    ("sgd", {"lr": float("inf")}, "lr"),
    ("sgd", {"lr": "0.1"}, "lr"),
    ("sgd", {"lr": True}, "lr"),
    ("sgd", {"lr": 10**400}, "lr: expected a finite number, got a number too large for a float"),
    ("adam", {"lr": 0.1, "eps": 10**400}, "eps: expected a finite number, got a number too large"),
    ("sgd", {"lr": 0.1, "momentum": 1.0}, "momentum"),
    ("sgd", {"lr": 0.1, "momentum": -0.1}, "momentum"),
    ("sgd", {"lr": 0.1, "nesterov": True}, "nesterov"),
    ("sgd", {"lr": 0.1, "nesterov": "yes", "momentum": 0.9}, "nesterov"),
    ("sgd", {"lr": 0.1, "weight_decay": -1e-4}, "weight_decay"),
    ("adagrad", {"lr": 0.1, "eps": 0.0}, "eps"),
    ("rmsprop", {"lr": 0.1, "alpha": 1.0}, "alpha"),
    ("rmsprop", {"lr": 0.1, "momentum": float("nan")}, "momentum"),
    ("adam", {"lr": 0.1, "betas": (0.9, 1.0)}, r"betas\[1\]"),
    ("adam", {"lr": 0.1, "betas": (-0.1, 0.9)}, r"betas\[0\]"),
    ("adam", {"lr": 0.1, "betas": 0.9}, "betas"),
    ("adam", {"lr": 0.1, "eps": -1e-8}, "eps"),
    ("adam", {"lr": 0.1, "momentum": 0.9}, "momentum"),
    ("adam", {}, "lr"),
    ("lbfgs", {"lr": 0.1}, "name"),
])
def test_bad_hyperparameters_raise(name, hyper, field):
    with pytest.raises(RnnvizError, match=field):
        make_optimizer(name, make_params(), **hyper)


def test_lr_setter_validates():
    opt = RMSprop(make_params(), lr=0.1)
    opt.lr = 0.2
    assert opt.lr == 0.2 and opt.to_config()["lr"] == 0.2
    with pytest.raises(RnnvizError, match="lr"):
        opt.lr = 0
    assert opt.lr == 0.2


def test_bad_params_and_grads():
    with pytest.raises(RnnvizError, match="params"):
        SGD({}, lr=0.1)
    with pytest.raises(RnnvizError, match=r"params\['w'\]"):
        SGD({"w": np.zeros(3, int)}, lr=0.1)
    opt = SGD({"w": np.zeros(3)}, lr=0.1)
    with pytest.raises(RnnvizError, match="grads"):
        opt.step({"v": np.zeros(3)})
    with pytest.raises(RnnvizError, match=r"grads\['w'\]: expected shape \(3,\)"):
        opt.step({"w": np.zeros(4)})
    assert opt.step_count == 0


def test_config_round_trip_all():
    for name, hyper in CONFIGS:
        opt = make_optimizer(name, make_params(), **hyper)
        cfg = opt.to_config()
        assert cfg["name"] == name and cfg["lr"] == hyper["lr"]
        assert optimizer_from_config(cfg, make_params()).to_config() == cfg
    assert isinstance(make_optimizer("ADAM", make_params(), lr=1e-3), Adam)
