"""`rnnviz lessons`: one lesson per line, id first; one lesson in full; unknown ids refused."""
import subprocess
import sys
from pathlib import Path

from rnnviz.cli import main
from rnnviz.lessons import EQUATIONS, LESSONS, TABS, get_lesson

REPO = Path(__file__).resolve().parents[1]


def test_lists_every_lesson_id_first(capsys):
    assert main(["lessons"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(LESSONS) >= 6
    ids = [line.split("\t")[0] for line in lines]
    assert ids == [lesson.id for lesson in LESSONS]
    assert len(set(ids)) == len(ids)
    for line, lesson in zip(lines, LESSONS):
        assert line == f"{lesson.id}\t{lesson.title}"


def test_the_chapter_is_covered():
    ids = {lesson.id for lesson in LESSONS}
    for want in ("memory", "shapes-generate", "shapes-sentiment", "shapes-next-char", "shapes-reversal",
                 "bptt-vanishing", "exploding-clipping", "gates-compare", "gates-cell-state", "bidirectional",
                 "deep"):
        assert want in ids
    for lesson in LESSONS:
        assert lesson.setup.tab in TABS
        assert lesson.look and lesson.suggestion and lesson.equations
        assert all(key in EQUATIONS for key in lesson.equations)


def test_equations_use_the_views_symbols():
    text = "\n".join(line for _, lines in EQUATIONS.values() for line in lines)
    for sym in ("h_t", "c_t", "i_t", "f_t", "g_t", "o_t", "r_t", "z_t", "n_t", "dL/dh_t"):
        assert sym in text, sym


def test_one_lesson_in_full(capsys):
    assert main(["lessons", "bptt-vanishing"]) == 0
    out = capsys.readouterr().out
    lesson = get_lesson("bptt-vanishing")
    assert out.startswith(f"bptt-vanishing: {lesson.title}")
    assert "task=adding" in out and "cell=rnn_tanh" in out
    assert "h_t = tanh(W_ih x_t" in out
    assert "Try: " in out and "python main.py --lesson bptt-vanishing" in out
    assert "<b>" not in out


def test_adding_lesson_describes_hochreiters_marker_placement(capsys):
    from rnnviz.data.tasks import adding_problem

    assert main(["lessons", "bptt-vanishing"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "first half of a 50-step sequence" in out and "first ten steps" in out and "anywhere" not in out
    T = get_lesson("bptt-vanishing").setup.train["length"]
    marker = adding_problem(T=T, B=256, rng=0).x[:, :, 1]
    steps = [sorted(col.nonzero()[0].tolist()) for col in marker.T]
    assert all(a < 10 and b < T // 2 and T - 1 - b >= 25 for a, b in steps)  # what the text says


def test_unknown_lesson_is_one_line_exit_2(capsys):
    assert main(["lessons", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no lesson 'nope'" in err and "memory" in err


def test_command_line_entry_point():
    out = subprocess.run([sys.executable, "-m", "rnnviz", "lessons"], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0].startswith("memory\t")
    assert "PySide6" not in out.stderr
