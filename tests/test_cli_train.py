"""``rnnviz train`` end to end: JSON lines, final keys, saved model, one-line errors with exit 2."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnnviz.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _run(*args, timeout=60):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "rnnviz", "train", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT)


def test_json_run_every_line_parses_and_last_has_final_keys(tmp_path):
    out = tmp_path / "adding.npz"
    p = _run("--task", "adding", "--length", "10", "--cell", "lstm", "--hidden", "8", "--batch", "16",
             "--optimizer", "adam", "--lr", "1e-3", "--clip", "1.0", "--steps", "30", "--seed", "0",
             "--log-every", "10", "--val-every", "10", "--json", "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    lines = p.stdout.strip().splitlines()
    recs = [json.loads(line) for line in lines]
    assert [r["step"] for r in recs] == [10, 20, 30, 30]
    last = recs[-1]
    assert {"step", "train_loss", "val_loss", "step_grad_norms"} <= set(last)
    assert "val_accuracy" not in last  # regression: accuracy does not apply
    assert last["step"] == 30 and len(last["step_grad_norms"]) == 10
    assert all(isinstance(v, float) and v >= 0 for v in last["step_grad_norms"])
    assert out.exists()
    from rnnviz.engine.model import load_model

    assert load_model(out).net.cell == "lstm"


def test_classification_task_reports_val_accuracy(capsys):
    rc = main(["train", "--task", "delayed_recall", "--length", "6", "--lag", "2", "--cell", "gru",
               "--hidden", "8", "--steps", "4", "--log-every", "2", "--json", "--bidirectional",
               "--layers", "2"])
    assert rc == 0
    recs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert 0.0 <= recs[-1]["val_accuracy"] <= 1.0 and recs[-1]["step"] == 4


def test_text_progress(capsys):
    rc = main(["train", "--length", "5", "--hidden", "4,3", "--steps", "4", "--log-every", "2",
               "--cell", "rnn_tanh", "--truncate", "2", "--init", "orthogonal"])
    assert rc == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("step 2/4") and out[-1].startswith("final: step 4")
    assert "||dL/dh_1||" in out[-1]


@pytest.mark.parametrize("args,field", [
    (["--lr", "0"], "--lr"), (["--lr", "abc"], "--lr"), (["--hidden", "0"], "--hidden"),
    (["--length", "0"], "--length"), (["--batch", "0"], "--batch"), (["--steps", "-3"], "--steps"),
    (["--cell", "transformer"], "--cell"), (["--task", "delayed_recall", "--lag", "80"], "--lag"),
    (["--forget-bias", "1", "--cell", "gru"], "--forget-bias"), (["--frobnicate"], "--frobnicate"),
    (["--out", "/no/such/folder/m.npz"], "--out"), (["--hidden", "a,b"], "--hidden"),
    (["--forget-bias", "abc"], "--forget-bias"), (["--forget-bias", "nan"], "--forget-bias"),
])
def test_bad_arguments_exit_2_with_one_line(args, field, capsys):
    with pytest.raises(SystemExit) as exc_info:
        rc = main(["train", *args])
        raise SystemExit(rc)
    assert exc_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and field in err and "Traceback" not in err


def test_bad_argument_in_a_real_process_has_no_traceback():
    p = _run("--lr", "-1")
    assert p.returncode == 2
    assert p.stdout == "" and p.stderr.strip().count("\n") == 0 and "--lr" in p.stderr


@pytest.mark.parametrize("flag,expected", [([], 2.0), (["--forget-bias", "none"], None),
                                           (["--forget-bias", "NONE"], None), (["--forget-bias", "0"], 0.0),
                                           (["--forget-bias", "2.5"], 2.5)])
def test_forget_bias_defaults_to_two_for_lstm_and_none_keeps_pytorch_init(flag, expected, tmp_path, capsys):
    from rnnviz.engine.model import load_model

    out = tmp_path / "m.npz"
    # one Adam step of lr 1e-7 moves each weight by about 1e-7: the saved biases are the initial ones
    assert main(["train", "--task", "sine", "--length", "4", "--hidden", "6", "--steps", "1", "--lr", "1e-7",
                 "--log-every", "1", "--json", "--out", str(out), *flag]) == 0
    capsys.readouterr()
    params = load_model(out).net.params
    forget = params["bias_ih_l0"][6:12] + params["bias_hh_l0"][6:12]
    if expected is None:  # PyTorch's U(-1/sqrt(H), 1/sqrt(H)) for b_ih and b_hh
        assert np.abs(forget).max() < 2 / np.sqrt(6) and forget.std() > 0.01
    else:
        np.testing.assert_allclose(forget, expected, atol=1e-5)


@pytest.mark.parametrize("cell", ["gru", "rnn_tanh", "rnn_relu"])
def test_other_cells_need_no_forget_bias_flag(cell, capsys):
    assert main(["train", "--task", "adding", "--length", "4", "--hidden", "4", "--steps", "1", "--cell", cell,
                 "--log-every", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["step"] == 1
    assert main(["train", "--length", "4", "--hidden", "4", "--steps", "1", "--cell", cell,
                 "--forget-bias", "none", "--json"]) == 0  # asking for the initialiser's biases is harmless


def test_help_states_the_forget_bias_default_and_how_to_get_pytorchs(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "default 2.0 for an LSTM" in text and "'none'" in text and "PyTorch" in text


# ----------------------------------------------------------------------------- checked before training
@pytest.fixture
def no_training(monkeypatch):
    """Fail the test if training starts; record the config it would have used otherwise."""
    import rnnviz.training.loop as loop

    seen = []

    def fake(config, **kw):
        seen.append(config)
        return {"final": True, "step": 0}
    monkeypatch.setattr(loop, "headless_train", fake)
    return seen


def _exit_code(argv):
    with pytest.raises(SystemExit) as exc_info:
        raise SystemExit(main(argv))
    return exc_info.value.code


@pytest.mark.parametrize("out,message", [
    ("", "--out: the file name is empty"), ("  ", "--out: the file name is empty"),
    (".", "--out: cannot write .: it is a folder"), ("{tmp}", "is a folder"), ("{tmp}/newname/", "names a folder"),
    ("{tmp}/missing/m.npz", "does not exist"), ("{tmp}/" + "m" * 300 + ".npz", "file name is longer"),
])
def test_unusable_out_is_refused_before_training(out, message, tmp_path, no_training, capsys):
    rc = _exit_code(["train", "--steps", "1", "--out", out.format(tmp=tmp_path)])
    cap = capsys.readouterr()
    assert rc == 2 and no_training == []
    assert cap.out == "" and cap.err.count("\n") == 1 and message in cap.err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_out_in_a_read_only_folder_is_refused_before_training(tmp_path, no_training, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert _exit_code(["train", "--steps", "1", "--out", str(ro / "m.npz")]) == 2
    finally:
        ro.chmod(0o755)
    assert no_training == [] and "not writable" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["0", "0.0", "00", "-0", "0e0", "none", "OFF"])
def test_any_numeric_zero_turns_clip_and_truncate_off(text, no_training, capsys):
    assert main(["train", "--steps", "1", "--clip", text, "--truncate", text]) == 0
    assert no_training[0].clip is None and no_training[0].truncate is None


def test_clip_and_truncate_values_still_parse(no_training):
    assert main(["train", "--steps", "1", "--clip", "0.5", "--truncate", "007"]) == 0
    assert no_training[0].clip == 0.5 and no_training[0].truncate == 7


def test_help_says_zero_turns_clip_and_truncate_off(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "0 (any zero: 0, 0.0) or 'none' for no clipping" in text
    assert "0 (any zero) or 'none' for full BPTT" in text


@pytest.mark.parametrize("task,content,message", [
    ("text", None, "file not found"), ("text", "", "empty"), ("text", "ab", "shorter than one training sequence"),
    ("classify", "a b c d e f\n", "two columns"), ("series", "a,b\n1,x\n2,3\n", "not a number"),
])
def test_unusable_corpus_file_is_a_bad_argument_before_training(task, content, message, tmp_path, no_training,
                                                                  capsys):
    corpus = tmp_path / "corpus.txt"
    if content is not None:
        corpus.write_text(content)
    rc = _exit_code(["train", "--task", task, "--corpus", str(corpus), "--length", "5", "--steps", "1"])
    cap = capsys.readouterr()
    assert rc == 2 and no_training == []
    assert cap.out == "" and cap.err.count("\n") == 1 and message in cap.err


def test_docstring_states_the_exit_codes_the_code_uses():
    import rnnviz.commands.train as cmd

    doc = " ".join(cmd.__doc__.split())
    assert "2: bad arguments, found before training starts" in doc and "``--corpus`` file" in doc
    assert "1: training stopped on NaN/Inf" in doc and "130: interrupted" in doc


@pytest.mark.parametrize("content,message", [
    ("ab", "the validation text has 2 tokens, shorter than one training sequence"),
    (" \n\t\n ", "the text holds only whitespace"),
])
def test_corpus_text_messages_name_the_file(content, message, tmp_path, no_training, capsys):
    corpus = tmp_path / "notes.txt"
    corpus.write_text(content)
    assert _exit_code(["train", "--task", "text", "--corpus", str(corpus), "--steps", "1"]) == 2
    err = capsys.readouterr().err
    assert f"--corpus: {corpus}: {message}" in err and no_training == []
