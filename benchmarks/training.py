"""Training speed: `llmtutor train` as a learner runs it, and one training step against PyTorch.

1. Whole process, wall time: `llmtutor train reverse` (goal ≤ 5 s, to ≥ 99 % held-out accuracy)
   and `llmtutor train induction` (goal ≤ 30 s), with their default settings; the held-out
   accuracy of each run is read from its `--json` and reported.
2. One training step of the same model and shapes (forward, cross-entropy, backward, Adam) in
   llmtutor's NumPy engine against PyTorch on the CPU with autograd and `torch.optim.Adam`, each in
   its own fresh processes, alternated (harness.py), at the same thread count: 1, the count
   llmtutor trains with. torch at the machine's full thread count is reported beside it.
   Goal: ≤ 1.0× torch. At these sizes per-operation overhead decides. torch is not a dependency:
   without it the rows say so.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Result  # noqa: E402
from harness import Snippet, benchmark_env, cpu_count, ratio_spread, time_commands, time_snippets  # noqa: E402

WHOLE_GOALS = {"reverse": 5.0, "induction": 30.0}
STEP_GOAL = 1.0

# task → (batch, n, vocab, d_model, heads, layers, d_mlp, causal)
SHAPES = {"reverse": (64, 8, 10, 32, 1, 1, 64, False), "induction": (64, 16, 16, 32, 2, 2, 64, True)}

NUMPY_SETUP = '''
import numpy as np
from llmtutor.model import ModelConfig, Transformer, Adam, cross_entropy
B, n, V, d, h, L, d_mlp, causal = {shape}
model = Transformer(ModelConfig(vocab_size=V, n_ctx=n, d_model=d, n_heads=h, n_layers=L, d_mlp=d_mlp, causal=causal), seed=0)
params = model.parameters()
opt = Adam(params, lr=3e-3)
rng = np.random.default_rng(0)
tokens = rng.integers(0, V, size=(B, n)); targets = rng.integers(0, V, size=(B, n))
def step():
    logits = model.forward(tokens)
    loss, dlogits = cross_entropy(logits, targets)
    model.backward(dlogits)
    opt.step(params, model.gradients())
'''

TORCH_SETUP = '''
import math, torch
import torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(THREADS)
torch.manual_seed(0)
B, n, V, d, h, L, d_mlp, causal = {shape}
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.w_q, self.w_k, self.w_v, self.w_o = (nn.Linear(d, d, bias=False) for _ in range(4))
        self.up, self.down = nn.Linear(d, d_mlp), nn.Linear(d_mlp, d)
    def forward(self, x):
        a = self.ln_1(x)
        q, k, v = (w(a).view(B, n, h, d // h).transpose(1, 2) for w in (self.w_q, self.w_k, self.w_v))
        o = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
        x = x + self.w_o(o.transpose(1, 2).reshape(B, n, d))
        return x + self.down(F.gelu(self.up(self.ln_2(x)), approximate="tanh"))
class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed, self.pos = nn.Embedding(V, d), nn.Parameter(torch.zeros(n, d))
        self.blocks = nn.ModuleList(Block() for _ in range(L))
        self.ln_f, self.unembed = nn.LayerNorm(d), nn.Linear(d, V)
    def forward(self, tokens):
        x = self.embed(tokens) + self.pos
        for block in self.blocks:
            x = block(x)
        return self.unembed(self.ln_f(x))
model = Model()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
tokens = torch.randint(0, V, (B, n)); targets = torch.randint(0, V, (B, n))
def step():
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(tokens).view(-1, V), targets.view(-1))
    loss.backward()
    opt.step()
'''

STEPS_PER_SAMPLE = "for _ in range(20): step()"


def _tutor() -> list[str]:
    script = Path(sys.executable).with_name("llmtutor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "llmtutor"]


def whole_runs(repeats: int) -> list[Result]:
    folder = Path(tempfile.mkdtemp(prefix="llmtutor-train-bench-"))
    env = benchmark_env(0, extra={"LLMTUTOR_HOME": str(folder / "home"), "LLMTUTOR_CACHE": str(folder / "cache")})
    results = []
    for task, goal in WHOLE_GOALS.items():
        command = [*_tutor(), "train", task, "--out", str(folder / f"{task}.npz")]
        stats = time_commands({task: command}, repeats=repeats, warmup=0, env=env)[task]
        report = json.loads(subprocess.run([*command, "--json"], env=env, capture_output=True, text=True).stdout)
        accuracy = report["final_accuracy"]
        met = stats.median <= goal and (task != "reverse" or accuracy >= 0.99)
        results.append(Result(f"training: llmtutor train {task} (defaults), whole process",
                              f"{stats.median:.1f} s wall ({stats.low:.1f}–{stats.high:.1f} s over {len(stats.samples)}); "
                              f"held-out accuracy {accuracy * 100:.1f}%",
                              "–", None, f"≤ {goal:.0f} s" + (", ≥ 99 %" if task == "reverse" else ""), met,
                              f"training alone took {report['seconds']:.1f} s of it"))
    return results


def step_versus_torch(processes: int) -> list[Result]:
    try:
        import torch
    except ImportError:
        return [Result(f"training: one step ({task})", "–", "torch not installed", None, f"≤ {STEP_GOAL}× torch", None,
                       "install torch (pip install torch==2.13.0) to compare") for task in SHAPES]
    results = []
    full = cpu_count()
    for task, shape in SHAPES.items():
        snippets = {
            "numpy": Snippet(NUMPY_SETUP.format(shape=shape), STEPS_PER_SAMPLE),
            "torch": Snippet(TORCH_SETUP.format(shape=shape), STEPS_PER_SAMPLE),
        }
        one = time_snippets(snippets, processes=processes, repeats=5, warmup=2, threads=1)
        wide = time_snippets({"torch": snippets["torch"]}, processes=max(3, processes // 2), repeats=5, warmup=2,
                             threads=full)["torch"]
        ratio, low, high = ratio_spread(one["numpy"], one["torch"])
        per_step = 1000 / 20
        B, n, V, d, h, L, d_mlp, causal = shape
        results.append(Result(
            f"training: one step, {task} shapes (B {B}, n {n}, d {d}, {L} layer(s) × {h} head(s))",
            f"{one['numpy'].median * per_step:.2f} ms (NumPy, 1 thread; {one['numpy'].low * per_step:.2f}–"
            f"{one['numpy'].high * per_step:.2f} over {len(one['numpy'].samples)} processes)",
            f"{one['torch'].median * per_step:.2f} ms (torch {torch.__version__} autograd + Adam, 1 thread); "
            f"{wide.median * per_step:.2f} ms with {full} threads",
            ratio, f"≤ {STEP_GOAL}×", ratio <= STEP_GOAL,
            f"paired ratios {low:.2f}–{high:.2f}×; against torch with {full} threads "
            f"{one['numpy'].median / wide.median:.2f}×"))
    return results


def run(repeats: int = 3) -> list[Result]:
    return whole_runs(repeats) + step_versus_torch(processes=max(5, repeats * 2))


if __name__ == "__main__":
    for result in run():
        print(result)
