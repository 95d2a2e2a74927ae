"""Generation speed: tokens per second of the shipped text model after start-up, with and without the KV cache.

    python benchmarks/generation.py          # the rows, printed

1. The KV cache (`llmtutor.model.generation.generate`): the prompt read once, then one token at a
   time against the cached keys and values. Goal: ≥ 50 tokens per second after start-up.
2. The same tokens without a cache: a full forward pass over the whole text for each new token
   (what nanoGPT's `generate` does), for comparison.
3. `llmtutor generate PROMPT --tokens 100 --json`, the whole process as a learner runs it.

Each in fresh processes of its own (harness.py), with one BLAS thread, as `llmtutor` runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Result  # noqa: E402
from harness import Snippet, benchmark_env, time_commands, time_snippets  # noqa: E402

GOAL = 50.0  # tokens per second
TOKENS = 100
PROMPT = "the attention"

SETUP = f'''
import numpy as np
from llmtutor.model.generation import Sampling, generate, last_logits
from llmtutor.model.text_model import load_text_model
text_model = load_text_model()
model = text_model.model
prompt = text_model.encode({PROMPT!r})
greedy = Sampling(temperature=0)
def cached():
    return [step.token for step in generate(model, prompt, {TOKENS}, greedy)]
def uncached():
    text = list(prompt)
    for _ in range({TOKENS}):
        text.append(int(np.argmax(last_logits(model, text))))
    return text[len(prompt):]
assert cached() == uncached()  # the same tokens, two ways
'''


def run(repeats: int = 5) -> list[Result]:
    stats = time_snippets({"cache": Snippet(SETUP, "cached()"), "full": Snippet(SETUP, "uncached()")},
                          processes=repeats, repeats=3, threads=1)
    cache, full = stats["cache"], stats["full"]
    rate = TOKENS / cache.median
    rows = [
        Result(f"generate: {TOKENS} tokens of the text model (generate's default) with the KV cache, after start-up",
               f"{rate:.0f} tokens/s ({TOKENS / cache.high:.0f}–{TOKENS / cache.low:.0f} over {len(cache.samples)} "
               f"processes; {cache.median * 1000 / TOKENS:.2f} ms per token)",
               f"{TOKENS / full.median:.0f} tokens/s without a cache (a full forward pass per token)",
               cache.median / full.median, f"≥ {GOAL:.0f} tokens/s", rate >= GOAL,
               "greedy; the same tokens both ways (checked)"),
    ]
    command = [sys.executable, "-m", "llmtutor", "generate", PROMPT, "--tokens", str(TOKENS), "--json"]
    check = subprocess.run(command, env=benchmark_env(1), capture_output=True, text=True)
    if check.returncode == 0:
        written = len(json.loads(check.stdout)["steps"])
        whole = time_commands({"generate": command}, repeats=repeats, warmup=1)["generate"]
        rows.append(Result(f"generate: llmtutor generate … --tokens {TOKENS} --json, whole process",
                           f"{whole.median:.2f} s wall ({whole.low:.2f}–{whole.high:.2f} s over {len(whole.samples)})",
                           "–", None, "–", None, f"{written} tokens written, start-up included"))
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row.name}\n  {row.measured}\n  against: {row.reference}\n  goal {row.goal}: "
              f"{'met' if row.met else 'missed' if row.met is not None else '–'}  {row.note}")
