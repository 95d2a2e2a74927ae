"""An attention figure as one self-contained, interactive HTML page: no network, no CDN, no library.

Hovering a token (a row or column label, or a cell) highlights its row and column and reads out
the weight; buttons switch heads and layers; every head and layer shares one colour scale, which
the legend states with the note of the model that made the weights. The weights travel inside the
page as JSON; the page's texts come from the message tables, in the learner's language.
"""

from __future__ import annotations

import html
import json

from llmtutor.i18n import language, t
from llmtutor.render.cells import clean_token
from llmtutor.render.heatmap import _RAMP_RGB

DIGITS = 4  # significant digits of each weight in the page
MAX_PAGE_TOKENS = 256  # n² cells per head and layer: beyond this a page is too heavy to explore

_STYLE = """
body { font-family: system-ui, "Noto Sans", "Noto Sans CJK SC", sans-serif; margin: 1.5em; color: #111;
       background: #fff; max-width: 70em; }
h1 { font-size: 1.25em; margin: 0 0 .4em; }
.note { color: #555; margin: .2em 0; max-width: 48em; }
.controls { margin: .8em 0; display: flex; flex-wrap: wrap; gap: .3em; align-items: center; }
.controls span { margin-right: .3em; color: #555; }
.controls button { font: inherit; padding: .15em .6em; border: 1px solid #888; background: #f4f4f4;
                   border-radius: 4px; cursor: pointer; }
.controls button[aria-pressed="true"] { background: #31688e; color: #fff; border-color: #31688e; }
table.map { border-collapse: collapse; margin: .6em 0; }
table.map td { width: 1.9em; height: 1.9em; border: 1px solid #fff; text-align: center;
               font-size: .75em; color: #999; padding: 0; }
table.map th { font-weight: normal; padding: .1em .4em; cursor: default; white-space: nowrap; }
table.map th.row { text-align: right; }
table.map th.col { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left;
                   vertical-align: bottom; padding: .4em .1em; }
table.map td.hl { outline: 2px solid #e6550d; outline-offset: -2px; }
table.map th.hl { background: #fdd0a2; }
table.map td.masked { background: #fff; }
.readout { min-height: 1.4em; font-family: monospace; }
.legend { display: flex; flex-wrap: wrap; gap: 1.2em; align-items: center; margin: .6em 0; color: #333; }
.ramp { display: inline-block; width: 12em; height: 1em; vertical-align: middle; border: 1px solid #ccc;
        background: linear-gradient(to right, %(ramp)s); }
.swatch { display: inline-block; width: 1em; height: 1em; border: 1px solid #ccc; vertical-align: middle;
          text-align: center; line-height: 1em; font-size: .8em; color: #999; }
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("attention-data").textContent);
  var ramp = data.ramp, lo = data.vmin, hi = data.vmax;
  var state = { layer: data.layer, head: data.head };
  var table = document.getElementById("map");
  var cells = [], rowHeads = [], colHeads = [];
  function colour(w) {
    var x = hi - lo > 1e-12 ? (w - lo) / (hi - lo) : 1;
    x = Math.min(1, Math.max(0, x)) * (ramp.length - 1);
    var i = Math.min(Math.floor(x), ramp.length - 2), f = x - i, c = [];
    for (var k = 0; k < 3; k++) { c.push(Math.round(ramp[i][k] * (1 - f) + ramp[i + 1][k] * f)); }
    return "rgb(" + c.join(",") + ")";
  }
  function build() {
    var n = data.tokens.length, head = document.createElement("tr");
    head.appendChild(document.createElement("th"));
    for (var j = 0; j < n; j++) {
      var th = document.createElement("th");
      th.className = "col"; th.textContent = data.tokens[j]; th.dataset.index = j;
      colHeads.push(th); head.appendChild(th);
    }
    var thead = document.createElement("thead"); thead.appendChild(head); table.appendChild(thead);
    var body = document.createElement("tbody");
    for (var i = 0; i < n; i++) {
      var tr = document.createElement("tr"), label = document.createElement("th"), row = [];
      label.className = "row"; label.textContent = data.tokens[i]; label.dataset.index = i;
      rowHeads.push(label); tr.appendChild(label);
      for (var j2 = 0; j2 < n; j2++) {
        var td = document.createElement("td");
        td.dataset.row = i; td.dataset.col = j2; row.push(td); tr.appendChild(td);
      }
      cells.push(row); body.appendChild(tr);
    }
    table.appendChild(body);
  }
  function weights() { return data.weights[state.layer][state.head]; }
  function paint() {
    var w = weights(), n = data.tokens.length;
    for (var i = 0; i < n; i++) {
      for (var j = 0; j < n; j++) {
        var td = cells[i][j], allowed = !data.mask || data.mask[i][j];
        td.classList.toggle("masked", !allowed);
        td.textContent = allowed ? "" : "\u00b7";
        td.style.background = !allowed || w[i][j] === 0 ? "#fff" : colour(w[i][j]);
        td.title = data.tokens[i] + " \u2192 " + data.tokens[j] + ": " + (allowed ? w[i][j].toFixed(3) : data.text.masked);
      }
    }
    document.getElementById("title").textContent = data.titles[state.layer];
    var buttons = document.querySelectorAll(".controls button");
    for (var b = 0; b < buttons.length; b++) {
      var btn = buttons[b], kind = btn.dataset.kind, k = Number(btn.dataset.index);
      btn.setAttribute("aria-pressed", String(state[kind] === k));
    }
  }
  function highlight(row, col) {
    var n = data.tokens.length;
    for (var i = 0; i < n; i++) {
      rowHeads[i].classList.toggle("hl", i === row);
      colHeads[i].classList.toggle("hl", i === col);
      for (var j = 0; j < n; j++) { cells[i][j].classList.toggle("hl", i === row || j === col); }
    }
    var readout = document.getElementById("readout");
    if (row === null) { readout.textContent = ""; return; }
    if (row >= 0 && col >= 0 && row !== col) {
      readout.textContent = cells[row][col].title;
    } else {
      var k = row >= 0 ? row : col;
      readout.textContent = data.text.token.replace("{token}", data.tokens[k]).replace("{k}", k + 1);
    }
  }
  function controls() {
    var box = document.getElementById("controls");
    function group(kind, count, label) {
      if (count < 2) { return; }
      var span = document.createElement("span"); span.textContent = label; box.appendChild(span);
      for (var k = 0; k < count; k++) {
        var btn = document.createElement("button");
        btn.type = "button"; btn.dataset.kind = kind; btn.dataset.index = k; btn.textContent = String(k + 1);
        btn.addEventListener("click", function (event) {
          state[event.currentTarget.dataset.kind] = Number(event.currentTarget.dataset.index); paint();
        });
        box.appendChild(btn);
      }
    }
    group("layer", data.weights.length, data.text.layer);
    group("head", data.weights[0].length, data.text.head);
  }
  build(); controls(); paint();
  table.addEventListener("mouseover", function (event) {
    var el = event.target.closest("td, th");
    if (!el) { return; }
    if (el.tagName === "TD") { highlight(Number(el.dataset.row), Number(el.dataset.col)); }
    else if (el.dataset.index !== undefined) { var k = Number(el.dataset.index); highlight(k, k); }
  });
  table.addEventListener("mouseleave", function () { highlight(null, null); });
})();
"""


def _json_for_script(value: object) -> str:
    """JSON that cannot end its <script> element or open a comment inside it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _significant(weights) -> list:
    """The weights as nested lists with `DIGITS` significant digits: small, and a weight that is not
    zero never becomes 0 (the page draws exactly 0 blank)."""
    return [_significant(part) for part in weights] if weights.ndim > 1 else \
        [float(f"{value:.{DIGITS}g}") for value in weights.tolist()]


def attention_page(figure) -> str:
    """The figure (a `render.export.AttentionFigure`) as a self-contained interactive HTML page."""
    import numpy as np

    weights = np.asarray(figure.weights, float)  # (layers, heads, n, n)
    vmin, vmax = figure.scale()
    tokens = [clean_token(token) for token in figure.tokens]
    n_layers, n_heads = weights.shape[:2]
    shared = "layers" if n_layers > 1 else "heads" if n_heads > 1 else None
    mask = None if figure.mask is None else np.asarray(figure.mask, bool).tolist()
    data = {
        "tokens": tokens,
        "weights": _significant(np.where(np.isfinite(weights), weights, 0.0)),
        "mask": mask,
        "layer": figure.layer,
        "head": figure.head or 0,
        "vmin": vmin,
        "vmax": vmax,
        "ramp": _RAMP_RGB.tolist(),
        "titles": list(figure.layer_titles) or [figure.title] * n_layers,
        "text": {"layer": t("export_page_layer"), "head": t("export_page_head"), "masked": t("heatmap_masked"),
                 "token": t("export_page_token")},
    }
    ramp = ", ".join(f"rgb({int(r)},{int(g)},{int(b)})" for r, g, b in _RAMP_RGB)
    legend = [
        f'<span>{t("heatmap_min")} {vmin:.3f} <span class="ramp"></span> {vmax:.3f} {t("heatmap_max")}</span>',
        f'<span><span class="swatch"></span> {html.escape(t("heatmap_exactly_zero"))}</span>',
        f'<span>{html.escape(t("heatmap_legend_colour"))}</span>',
    ]
    if mask is not None:
        legend.append(f'<span><span class="swatch">·</span> {html.escape(t("heatmap_masked"))}</span>')
    if shared:
        legend.append(f'<span>{html.escape(t(f"heatmap_scale_shared_{shared}"))}</span>')
    notes = "\n".join(f'<p class="note">{html.escape(note)}</p>' for note in figure.notes)
    return f"""<!DOCTYPE html>
<html lang="{'zh-Hans' if language() == 'zh' else 'en'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(figure.shown_title())}</title>
<style>{_STYLE % {"ramp": ramp}}</style>
</head>
<body>
<h1 id="title">{html.escape(figure.shown_title())}</h1>
{notes}
<p class="note">{html.escape(t("export_page_hint"))}</p>
<div class="controls" id="controls"></div>
<table class="map" id="map" aria-label="{html.escape(t("heatmap_axes"))}"></table>
<div class="readout" id="readout" aria-live="polite"></div>
<div class="legend">{"".join(legend)}</div>
<script type="application/json" id="attention-data">{_json_for_script(data)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
