"""A model's whole config survives save/load and model_from_config (init settings included)."""
import numpy as np
import pytest

from rnnviz.engine.model import EncoderDecoder, SequenceModel, load_model, model_from_config


def _sequence_model():
    return SequenceModel("lstm", 5, [4, 3], 2, encoding="embedding", embedding_dim=3,
                         target="classification_last", init="orthogonal", forget_bias=2.0, recurrent_scale=0.5,
                         class_names=["neg", "pos"], normalisation={"a": 1.0}, seed=4)


def _encoder_decoder():
    return EncoderDecoder("lstm", 4, 4, [3, 2], start_token=4, seed=2, init="orthogonal", forget_bias=2.0,
                          recurrent_scale=0.5)


# (the model, the prefixes of its recurrent networks, its first layer's hidden size)
MODELS = {"sequence": (_sequence_model, ("rnn",), 4),
          "encoder_decoder": (_encoder_decoder, ("encoder_rnn", "decoder_rnn"), 3)}


@pytest.mark.parametrize("kind", MODELS)
def test_save_load_keeps_init_forget_bias_and_recurrent_scale(tmp_path, kind):
    m = MODELS[kind][0]()
    m.save(tmp_path / "m.npz")
    back = load_model(tmp_path / "m.npz")
    assert back.to_config() == m.to_config()
    cfg = back.to_config()
    assert (cfg["init"], cfg["forget_bias"], cfg["recurrent_scale"]) == ("orthogonal", 2.0, 0.5)
    for k in m.params:
        np.testing.assert_array_equal(back.params[k], m.params[k])


@pytest.mark.parametrize("kind", MODELS)
def test_model_from_config_rebuilds_the_same_initial_weights(kind):
    make, nets, H = MODELS[kind]
    m = make()
    again = model_from_config(m.to_config())
    assert again.to_config() == m.to_config()
    for k in m.params:
        np.testing.assert_array_equal(again.params[k], m.params[k])
    # every network's forget gate starts with the configured total bias
    for net in nets:
        b = again.params[f"{net}.bias_ih_l0"][H:2 * H] + again.params[f"{net}.bias_hh_l0"][H:2 * H]
        np.testing.assert_allclose(b, 2.0)


def test_reversal_model_of_a_training_config_keeps_its_init_settings():
    from rnnviz.training.config import TrainConfig
    from rnnviz.training.loop import build_model

    c = TrainConfig(task="reversal", cell="lstm", hidden=(3,), init="xavier", forget_bias=1.5, recurrent_scale=0.8)
    cfg = build_model(c).to_config()
    assert (cfg["init"], cfg["forget_bias"], cfg["recurrent_scale"]) == ("xavier", 1.5, 0.8)
