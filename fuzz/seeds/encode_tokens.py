#!/usr/bin/env python3
# Encodes treaty files as inputs of the `tokens` fuzz target: one byte per token, the
# token's index in treaty_fuzz::VOCABULARY (read from fuzz/src/lib.rs), comments dropped,
# names, numbers and strings mapped consistently onto the vocabulary's few ones (so most
# encoded files still load). Writes fuzz/seeds/tokens/<path with / as _>.
#
# Usage, from the repository root:
#   python3 fuzz/seeds/encode_tokens.py rules/examples/*.treaty tests/cases/analysis/*.treaty
# Rerun after changing VOCABULARY: the seeds are indices into it.
import os, re, sys
fuzz = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src = open(os.path.join(fuzz, 'src', 'lib.rs')).read()
body = src[src.index('pub const VOCABULARY'):]
body = body[body.index('[')+1: body.index('];')]
body = re.sub(r'^\s*//[^\n]*', '', body, flags=re.M)
vocab = [bytes(s, 'utf-8').decode('unicode_escape')
         for s in re.findall(r'"((?:[^"\\]|\\.)*)"', body)]
if 'PAD_TOKEN' in body:  # the last entry, a constant rather than a literal
    vocab.append('<pad>')
assert len(vocab) <= 192, len(vocab)
index = {t: i for i, t in enumerate(vocab)}
names = ["A", "B", "C", "USA", "UKR", "EU", "Plan", "P", "votes", "population", "qmv", "x", "y"]
strings = ['"A"', '"limit"']
tok_re = re.compile(r'//[^\n]*|"(?:[^"\\\n]|\\.)*"|\d+(?:\.\d+)?%|\d+/\d+|\d[\d_]*[A-Za-z]*|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|non-party|==|!=|<=|>=|[{}(),:;.<>+\-*/%]|\S')
def encode(text):
    out = []
    toks = [m.group(0) for m in tok_re.finditer(text)]
    used = set(toks)
    nmap = {t: t for t in names if t in used}
    free_names = [n for n in names if n not in used] or names
    nums = ["1", "2", "3", "7", "0", "100"]
    nummap = {t: t for t in nums if t in used}
    free_nums = [n for n in nums if n not in used] or nums
    smap = {}
    for t in toks:
        if t.startswith('//'):
            continue
        if t in index:
            out.append(index[t]); continue
        if t.startswith('"'):
            t = smap.setdefault(t, strings[len(smap) % len(strings)])
        elif t[0].isdigit():
            if t.endswith('%'): t = '50%'
            elif '/' in t: t = '1/3'
            elif t[-1].isalpha(): t = '13a'
            else:
                if t not in nummap:
                    nummap[t] = free_nums[len([k for k in nummap if k not in nums]) % len(free_nums)]
                t = nummap[t]
        elif '.' in t:
            t = 'UKR.forces'
        else:
            if t not in nmap:
                nmap[t] = free_names[len([k for k in nmap if k not in names]) % len(free_names)]
            t = nmap[t]
        out.append(index[t])
    return bytes(out)
for path in sys.argv[1:]:
    name = path.replace('/', '_').rsplit('.', 1)[0]
    data = encode(open(path).read())
    if len(data) <= 2048:
        open(os.path.join(fuzz, 'seeds', 'tokens', name), 'wb').write(data)
    else:
        print('skip (too long)', path, len(data))
print(f'{len(sys.argv) - 1} files encoded with a vocabulary of {len(vocab)} tokens')
