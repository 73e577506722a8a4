"""File > Import PyTorch Weights with a file that does not fit the model on screen: the status bar
names the tensor as the file has it (module prefix included) and the expected shape; the model
keeps its weights."""
import numpy as np
import pytest

from rnnviz.engine.recurrent import Recurrent
from rnnviz.engine.serialize import save_safetensors


@pytest.mark.parametrize("prefix", ["lstm.", "model.encoder.lstm."])
def test_import_of_a_one_layer_file_into_a_two_layer_model_names_the_prefixed_tensor(window, tmp_path,
                                                                                      monkeypatch, prefix):
    from PySide6.QtWidgets import QFileDialog

    net = window.model.net
    assert net.num_layers == 2 and net.bidirectional
    one = Recurrent("lstm", net.input_size, net.hidden_sizes[0], bidirectional=True, seed=7)
    path = tmp_path / "one_layer.safetensors"
    save_safetensors(path, {f"{prefix}{k}": v for k, v in one.state_dict().items()})
    before = {k: v.copy() for k, v in window.model.params.items()}
    name = window.model_name
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions["file.import_weights"].trigger()
    window.files.wait()
    status = window.status_text()
    H = net.hidden_sizes[1]
    assert "one_layer.safetensors" in status and f"'{prefix}weight_ih_l1'" in status, status
    assert f"({4 * H}, {net.hidden_sizes[0] * 2})" in status, status
    assert window.model_name == name
    for k, v in before.items():
        np.testing.assert_array_equal(window.model.params[k], v)
