"""LiveRunner: incremental updates equal a full forward pass; connectivity is the true gradient."""
import numpy as np
import pytest

from rnnviz.analysis.live import LiveRunner
from rnnviz.data.tokenize import CharTokenizer, WordTokenizer
from rnnviz.engine.losses import softmax
from rnnviz.engine.model import SequenceModel
from rnnviz.errors import RnnvizError

TEXT = "the (quick) brown \"fox\" jumps"


def _lm(cell="lstm", bidir=False, layers=2, dtype=np.float64):
    tok = CharTokenizer.from_text(TEXT)
    return SequenceModel(cell, len(tok.vocab), [6] * layers, len(tok.vocab), bidirectional=bidir,
                         target="classification_each", encoding="embedding", embedding_dim=5,
                         tokenizer=tok, dtype=dtype, seed=0)


def _full(model, text):
    ids = model.tokenizer.encode(text)[:, None]
    trace = model.net.forward(model.encode(ids))
    return trace, softmax(model.step_outputs(trace)[:, 0].astype(np.float64), axis=-1)


@pytest.mark.parametrize("cell", ["rnn_tanh", "lstm", "gru"])
@pytest.mark.parametrize("bidir", [False, True])
def test_typing_char_by_char_equals_full_forward(cell, bidir):
    m = _lm(cell, bidir)
    r = LiveRunner(m)
    for k in range(1, len(TEXT) + 1):
        res = r.update(TEXT[:k])
        if not bidir and k > 1:
            assert res.recomputed_from == k - 1  # only the new token was run
    trace, probs = _full(m, TEXT)
    for layer in range(2):
        for d in range(2 if bidir else 1):
            st = r.states(layer, d)
            for key, arr in trace.states(layer, d).items():
                np.testing.assert_allclose(st[key], arr[:, 0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(r.probabilities(), probs, rtol=1e-10)


def test_edit_in_the_middle_and_deletion():
    m = _lm("gru")
    r = LiveRunner(m)
    r.update(TEXT)
    edited = TEXT[:5] + "x" + TEXT[6:]
    res = r.update(edited)
    assert res.recomputed_from == 5
    trace, _ = _full(m, edited)
    np.testing.assert_allclose(r.states(1)["h"], trace.states(1)["h"][:, 0], rtol=1e-12)
    res = r.update(edited[:10])
    assert r.steps == 10 and res.recomputed_from == 10
    np.testing.assert_allclose(r.states(0)["z"], trace.states(0)["z"][:10, 0], rtol=1e-12)
    res = r.update("")
    assert r.steps == 0 and r.states(0)["h"].shape == (0, 6) and r.probabilities().shape[0] == 0


def test_unknown_characters_are_kept_and_flagged():
    m = _lm()
    res = LiveRunner(m).update("the ☃ fox")
    assert res.tokens[4] == "☃" and res.unknown[4] and res.unknown.sum() == 1
    assert len(res.tokens) == len("the ☃ fox")


def test_unknown_words_are_flagged_and_capitals_are_not():
    tok = WordTokenizer.from_text("the food was terrible")
    m = SequenceModel("gru", len(tok.vocab), 4, 2, target="classification_last", encoding="embedding",
                      embedding_dim=3, tokenizer=tok, seed=0)
    res = LiveRunner(m).update("The FOOD was zesty, Terrible")
    assert res.tokens == ["the", "food", "was", "zesty", ",", "terrible"]
    assert res.unknown.tolist() == [False, False, False, True, True, False]
    assert res.unknown.tolist() == [tok.is_unknown(t) for t in res.tokens]


def test_word_model_many_to_one_class_probability_per_token():
    tok = WordTokenizer.from_text("the food was terrible but the service was amazing")
    m = SequenceModel("lstm", len(tok.vocab), 8, 2, target="classification_last", encoding="embedding",
                      embedding_dim=4, tokenizer=tok, dtype=np.float64)
    r = LiveRunner(m)
    res = r.update("The food was terrible")
    assert res.tokens == ["the", "food", "was", "terrible"]
    p = r.probabilities()
    assert p.shape == (4, 2)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    _, whole = m.predict_proba(tok.encode("The food was terrible")[:, None])
    np.testing.assert_allclose(p[-1], whole[0], rtol=1e-10)


@pytest.mark.parametrize("bidir", [False, True])
def test_connectivity_is_the_gradient_of_the_log_probability(bidir):
    m = _lm("lstm", bidir, layers=1)
    r = LiveRunner(m)
    r.update(TEXT[:12])
    step = 8
    conn = r.connectivity(step)
    ids = m.tokenizer.encode(TEXT[:12])[:, None]
    x = m.encode(ids).copy()
    end = 12 if bidir else step + 1
    _, probs = _full(m, TEXT[:12])
    c = int(np.argmax(probs[step]))

    def logp(xx):
        tr = m.net.forward(xx[:end])
        return float(np.log(softmax(m.step_outputs(tr)[step, 0])[c]))

    eps = 1e-6
    num = np.zeros((end, x.shape[2]))
    for t in range(end):
        for j in range(x.shape[2]):
            xp, xm = x.copy(), x.copy()
            xp[t, 0, j] += eps
            xm[t, 0, j] -= eps
            num[t, j] = (logp(xp) - logp(xm)) / (2 * eps)
    np.testing.assert_allclose(conn, np.linalg.norm(num, axis=1), rtol=1e-5, atol=1e-9)
    if not bidir:
        assert conn.shape == (step + 1,)


def test_runner_validates():
    with pytest.raises(RnnvizError, match="token model"):
        LiveRunner(SequenceModel("lstm", 2, 3, 1, target="regression_each"))
    r = LiveRunner(_lm())
    r.update("the")
    with pytest.raises(RnnvizError, match="step"):
        r.connectivity(5)


# -- incremental tokenising -----------------------------------------------------------------------
def _word_model():
    tok = WordTokenizer.from_text("the food was terrible but the service wasn't bad at all")
    return SequenceModel("gru", len(tok.vocab), [5], 2, target="classification_last",
                         encoding="embedding", embedding_dim=3, tokenizer=tok, seed=0)


@pytest.mark.parametrize("make", [lambda: _lm("lstm", layers=1), _word_model])
def test_incremental_tokenising_equals_a_fresh_runner(make):
    """Random edits (typing, deleting, pasting, apostrophes, spaces): tokens, spans, ids and
    unknown flags equal those of a runner that sees the text for the first time."""
    m = make()
    r = LiveRunner(m)
    rng = np.random.default_rng(5)
    alphabet = list("the food wasn't bad  at all, (x) \"q\"\n") + ["don't", "but", "ZZ", "'"]
    text = ""
    for _ in range(150):
        op = rng.integers(4)
        pos = int(rng.integers(len(text) + 1))
        piece = alphabet[int(rng.integers(len(alphabet)))]
        if op == 0 or not text:
            text = text + piece
        elif op == 1:
            text = text[:pos] + piece + text[pos:]
        elif op == 2:
            text = text[:pos] + text[pos + 1:]
        else:
            text = text[:-1]
        old_tokens, old_ids = list(r.last.tokens), r.last.ids.copy()
        res = r.update(text)
        ref = LiveRunner(m).update(text)
        assert res.tokens == ref.tokens
        assert res.spans == ref.spans
        np.testing.assert_array_equal(res.ids, ref.ids)
        np.testing.assert_array_equal(res.unknown, ref.unknown)
        # changed_from: everything before it is unchanged, the step at it (if any) differs
        c = res.changed_from
        assert c <= res.recomputed_from
        assert res.tokens[:c] == old_tokens[:c]
        np.testing.assert_array_equal(res.ids[:c], old_ids[:c])
        if c < min(len(old_tokens), len(res.tokens)):
            assert (res.tokens[c], res.ids[c]) != (old_tokens[c], old_ids[c])
    trace, _ = _full(m, text) if m.target == "classification_each" else (m.net.forward(
        m.encode(m.tokenizer.encode(text)[:, None])), None)
    np.testing.assert_allclose(r.states(0)["h"], trace.states(0)["h"][:, 0], rtol=1e-10, atol=1e-12)


def test_typing_at_the_end_changes_from_the_new_token():
    r = LiveRunner(_lm("lstm", layers=1))
    r.update("abc (de")
    res = r.update("abc (def")
    assert res.changed_from == res.recomputed_from == 7
    res = r.update("abc (de")  # backspace
    assert res.changed_from == 7 and res.steps == 7


# -- streaming PCA --------------------------------------------------------------------------------
def _walk(T=300, H=10, seed=0):
    rng = np.random.default_rng(seed)
    return np.tanh(np.cumsum(rng.normal(size=(T, H)), axis=0) * 0.2)


def test_streaming_pca_with_refit_on_every_update_is_exact():
    from rnnviz.analysis.pca import StreamingPCA, pca_2d_with_variance

    h = _walk()
    p = StreamingPCA(refit_interval=0)
    for T in list(range(1, 40)) + [80, 79, 200, 150, 300]:
        pts, ratio = p.update(h[:T], changed_from=T - 1)
        ref, ref_ratio = pca_2d_with_variance(h[:T])
        assert p.exact
        np.testing.assert_allclose(pts, ref, atol=1e-8)
        np.testing.assert_allclose(ratio, ref_ratio, atol=1e-10)
    # an edit in the middle: rows from 100 on changed
    h2 = h.copy()
    h2[100:] *= 0.5
    pts, _ = p.update(h2, changed_from=100)
    np.testing.assert_allclose(pts, pca_2d_with_variance(h2)[0], atol=1e-8)


def test_streaming_pca_between_refits_projects_new_steps_on_the_current_axes():
    from rnnviz.analysis.pca import StreamingPCA, pca_2d_with_variance

    now = [0.0]
    h = _walk(200)
    p = StreamingPCA(refit_interval=1.0, clock=lambda: now[0])
    p.update(h[:100])
    assert p.exact
    before = p.points.copy()
    now[0] = 0.5  # within the interval: typing at the end does not refit
    pts, _ = p.update(h[:103], changed_from=100)
    assert not p.exact
    np.testing.assert_array_equal(pts[:100], before)  # earlier points stay put
    mean = h[:100].mean(axis=0)
    basis = np.linalg.lstsq(h[:100] - mean, before, rcond=None)[0]  # the axes used so far
    np.testing.assert_allclose(pts[100:], (h[100:103] - mean) @ basis, atol=1e-6)
    pts, _ = p.refit()  # typing paused: exact again
    assert p.exact
    np.testing.assert_allclose(pts, pca_2d_with_variance(h[:103])[0], atol=1e-8)
    now[0] = 2.0  # the interval passed: the next append refits
    pts, _ = p.update(h[:104], changed_from=103)
    assert p.exact
    np.testing.assert_allclose(pts, pca_2d_with_variance(h[:104])[0], atol=1e-8)


def test_streaming_pca_lazy_updates_project_on_the_current_axes_until_refit():
    from rnnviz.analysis.pca import StreamingPCA, pca_2d_with_variance

    h = _walk(200)
    p = StreamingPCA(refit_interval=float("inf"))
    p.update(h[:150], lazy=True)  # no basis yet: fitted
    assert p.exact
    before = p.points.copy()
    mean = h[:150].mean(axis=0)
    basis = np.linalg.lstsq(h[:150] - mean, before, rcond=None)[0]
    edited = h[:160].copy()
    edited[:5] *= -1  # an edit at the start
    pts, _ = p.update(edited, changed_from=0, lazy=True)
    assert not p.exact
    np.testing.assert_allclose(pts, (edited - mean) @ basis, atol=1e-6)
    # a later exact (non-lazy) update and a refit both see every row
    pts, _ = p.refit()
    assert p.exact
    np.testing.assert_allclose(pts, pca_2d_with_variance(edited)[0], atol=1e-8)
    p.update(edited[:100], changed_from=100, lazy=True)  # the sums lag behind the rows
    p.update(edited[:101], changed_from=100)  # an eager update catches them up from the rows
    pts, _ = p.refit()
    np.testing.assert_allclose(pts, pca_2d_with_variance(edited[:101])[0], atol=1e-8)


def _assert_equals_full(r, m, text):
    trace, probs = _full(m, text)
    for layer in range(m.net.num_layers):
        for key, arr in trace.states(layer, 0).items():
            np.testing.assert_allclose(r.states(layer)[key], arr[:, 0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(r.probabilities(), probs, rtol=1e-10)


@pytest.mark.parametrize("cell", ["rnn_tanh", "lstm", "gru"])
def test_an_edit_at_the_start_runs_only_what_is_asked_for(cell):
    m = _lm(cell, layers=3)
    r = LiveRunner(m)
    long_text = TEXT * 4
    r.update(long_text)
    _assert_equals_full(r, m, long_text)
    edited = "(" + long_text
    res = r.update(edited)
    assert res.recomputed_from == 0 and r.pending()
    h0 = r.states(0)["h"]  # layer 0 is brought up to date for the view ...
    trace, probs = _full(m, edited)
    np.testing.assert_allclose(h0, trace.states(0, 0)["h"][:, 0], rtol=1e-12, atol=1e-12)
    assert r._valid == [len(edited), 0, 0]  # ... and nothing above it ran
    p = r.probabilities_until(2)  # the prediction at the edit runs the upper layers to step 2 only
    assert p.shape == probs.shape
    np.testing.assert_allclose(p[:3], probs[:3], rtol=1e-10)
    assert r._valid == [len(edited), 3, 3] and r.pending()
    _assert_equals_full(r, m, edited)  # asking for everything completes it
    assert not r.pending()


def test_complete_in_slices_equals_a_full_pass():
    m = _lm("lstm", layers=2)
    r = LiveRunner(m)
    text = TEXT * 3
    r.update(text)
    r.states(0)
    slices = 0
    while not r.complete(max_steps=20):
        slices += 1
        assert slices < 100
    assert slices >= 3 and not r.pending()  # 2 layers x 87 steps in slices of 20
    _assert_equals_full(r, m, text)


def test_bidirectional_runner_stays_complete_after_every_update():
    m = _lm("gru", bidir=True)
    r = LiveRunner(m)
    r.update(TEXT)
    assert not r.pending()
    r.update("x" + TEXT)
    assert not r.pending()
    trace, probs = _full(m, "x" + TEXT)
    np.testing.assert_allclose(r.states(1, 1)["h"], trace.states(1, 1)["h"][:, 0], rtol=1e-12)
    np.testing.assert_allclose(r.probabilities(), probs, rtol=1e-10)


def test_lazy_layers_of_different_sizes_and_an_emptied_text():
    tok = CharTokenizer.from_text(TEXT)
    m = SequenceModel("gru", len(tok.vocab), [7, 3, 5], len(tok.vocab), target="classification_each",
                      encoding="embedding", embedding_dim=4, tokenizer=tok, dtype=np.float64, seed=4)
    r = LiveRunner(m)
    r.update(TEXT)
    p = r.probabilities_until(4)
    assert p.shape == (len(TEXT), len(tok.vocab)) and r._valid == [5, 5, 5]
    np.testing.assert_allclose(p[:5], _full(m, TEXT)[1][:5], rtol=1e-10)
    assert r.probabilities_until(10**6).shape[0] == len(TEXT)  # a step past the end: everything
    assert not r.pending()
    r.update("")
    assert r.steps == 0 and not r.pending() and r.probabilities_until(3).shape == (0, len(tok.vocab))
    r.update("ab")
    _assert_equals_full(r, m, "ab")
