#!/usr/bin/env bash
# Train the default models shipped in resources/models/ from corpora the repo composes itself.
# Reproducible: every run uses a fixed seed. Usage: bash resources/make_models.sh [rnnviz command]
set -euo pipefail
cd "$(dirname "$0")/.."
RNNVIZ=${1:-"python -m rnnviz"}
OUT=resources/models
mkdir -p "$OUT"

# Character-level LSTM language model on nested brackets, quotes and sentences (2 layers).
$RNNVIZ train --task text --corpus brackets --tokens char --embedding 32 --cell lstm --hidden 128,128 \
    --length 64 --batch 32 --optimizer adam --lr 3e-3 --clip 1.0 --steps 4000 --seed 0 \
    --log-every 500 --val-every 500 --val-batch 64 --out "$OUT/brackets_lstm.npz"

# Word-level sentiment classifier (many-to-one), trained on composed sentences incl. "but" contrasts.
# Small and briefly trained on purpose: a saturated model flips to 0 or 1 on unfinished sentences,
# this one stays unsure until the words that decide (P(positive) swings at "terrible" and "amazing").
$RNNVIZ train --task classify --corpus sentiment --tokens word --embedding 16 --cell lstm --hidden 32 \
    --batch 32 --optimizer adam --lr 1e-3 --clip 1.0 --steps 600 --seed 0 \
    --log-every 200 --val-every 200 --val-batch 256 --out "$OUT/sentiment_lstm.npz"

# Compare trio: RNN, GRU and LSTM character models, same corpus, sizes and seed.
for cell in rnn_tanh gru lstm; do
    name=${cell#rnn_}; [ "$cell" = rnn_tanh ] && name=rnn
    $RNNVIZ train --task text --corpus brackets --tokens char --embedding 32 --cell "$cell" --hidden 96 \
        --length 64 --batch 32 --optimizer adam --lr 3e-3 --clip 1.0 --steps 3000 --seed 0 \
        --log-every 500 --val-every 500 --val-batch 64 --out "$OUT/compare_$name.npz"
done
