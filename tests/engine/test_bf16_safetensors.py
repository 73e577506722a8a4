"""bfloat16 .safetensors weights (PyTorch's model.to(torch.bfloat16)) load as exact float32."""
import json
import struct

import numpy as np
import pytest

from rnnviz.engine import Recurrent
from rnnviz.engine.serialize import import_recurrent_weights, load_safetensors
from rnnviz.errors import RnnvizError


def _bf16_bits(x: np.ndarray) -> np.ndarray:
    """float32 values that are exact bfloat16 -> their 16-bit patterns."""
    return (np.ascontiguousarray(x, np.float32).view(np.uint32) >> 16).astype("<u2")


def _write_safetensors(path, tensors: dict):
    """tensors: name -> (dtype string, shape, raw bytes)."""
    header, blobs, offset = {}, [], 0
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    path.write_bytes(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def _bf16_exact(shape, rng):
    x = rng.standard_normal(shape).astype(np.float32)
    return (x.view(np.uint32) & 0xFFFF0000).view(np.float32)  # round to values bfloat16 holds


def test_bf16_lstm_weights_import_exactly(tmp_path):
    rng = np.random.default_rng(0)
    ref = Recurrent("lstm", 3, 5)
    state = {k: _bf16_exact(v.shape, rng) for k, v in ref.params.items()}
    p = tmp_path / "lstm_bf16.safetensors"
    _write_safetensors(p, {k: ("BF16", v.shape, _bf16_bits(v).tobytes()) for k, v in state.items()})
    loaded = load_safetensors(p)
    for k, v in state.items():
        assert loaded[k].dtype == np.float32
        np.testing.assert_array_equal(loaded[k], v)
    net = Recurrent("lstm", 3, 5, seed=7)
    import_recurrent_weights(p, net)
    for k, v in state.items():
        np.testing.assert_array_equal(net.params[k], v)


def test_bf16_special_values_and_other_dtypes_in_the_same_file(tmp_path):
    special = np.array([0.0, -0.0, 1.0, -2.5, np.inf, -np.inf, 3.0e38, 1e-40], np.float32)
    special = (special.view(np.uint32) & 0xFFFF0000).view(np.float32)
    ints = np.arange(6, dtype="<i8").reshape(2, 3)
    p = tmp_path / "mixed.safetensors"
    _write_safetensors(p, {"s": ("BF16", special.shape, _bf16_bits(special).tobytes()),
                           "i": ("I64", ints.shape, ints.tobytes())})
    out = load_safetensors(p)
    np.testing.assert_array_equal(out["s"].view(np.uint32), special.view(np.uint32))  # bit-exact, -0.0 kept
    np.testing.assert_array_equal(out["i"], ints)


def test_damaged_bf16_file_is_refused_naming_the_tensor(tmp_path):
    p = tmp_path / "short.safetensors"
    _write_safetensors(p, {"w": ("BF16", (4, 4), b"\x00" * 30)})  # 32 bytes needed
    with pytest.raises(RnnvizError, match=r"short\.safetensors: .*tensor 'w' has 30 bytes for shape \(4, 4\) of BF16"):
        load_safetensors(p)


def test_torch_bf16_state_dict_loads_like_its_float32_copy(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 5).to(torch.bfloat16)
    save_file(lstm.state_dict(), str(tmp_path / "t.safetensors"))
    out = load_safetensors(tmp_path / "t.safetensors")
    for k, v in lstm.state_dict().items():
        np.testing.assert_array_equal(out[k], v.float().numpy())
