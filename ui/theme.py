"""The look of the app: theme (fonts shipped with Gradio, no web fonts), CSS and citation jumps."""

from __future__ import annotations

import gradio as gr


def make_theme() -> gr.themes.Base:
    """A quiet newsroom theme; every font is local, so the page makes no outside requests.

    Only the Regular and Bold files: Gradio 6.31 ships SemiBold files holding a few dozen glyphs,
    so weight 600 would mix fonts inside a word.
    """
    return gr.themes.Default(
        primary_hue="indigo",
        neutral_hue="slate",
        radius_size="md",
        font=[
            gr.themes.LocalFont("Source Sans Pro", weights=(400, 700)),
            "ui-sans-serif",
            "system-ui",
            "sans-serif",
        ],
        font_mono=[
            gr.themes.LocalFont("IBM Plex Mono", weights=(400, 700)),
            "ui-monospace",
            "monospace",
        ],
    )


# Citation links jump to their source entry: open its folded answer, scroll it into view and
# flash it. Plain `href="#..."` anchors still work if this script does not run.
HEAD = """
<script>
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a.nd-cite") : null;
  if (!link) { return; }
  var id = (link.getAttribute("href") || "").replace(/^#/, "");
  var target = document.getElementById(id);
  if (!target) { return; }
  event.preventDefault();
  event.stopPropagation();
  var details = target.closest("details");
  if (details) { details.open = true; }
  target.scrollIntoView({behavior: "smooth", block: "nearest"});
  target.classList.remove("nd-flash");
  void target.offsetWidth;
  target.classList.add("nd-flash");
}, true);
</script>
"""

CSS = """
.gradio-container { max-width: 1440px !important; margin: 0 auto; }
#nd-header { padding: 6px 4px 2px; border-bottom: 1px solid var(--border-color-primary); }
#nd-header h1 { font-size: 1.7rem; margin: 0; letter-spacing: -0.01em; }
#nd-header h1 span { color: var(--color-accent); }
#nd-header p { margin: 2px 0 8px; color: var(--body-text-color-subdued); }
#nd-chat .message { font-size: 0.98rem; line-height: 1.55; }
.nd-sup { line-height: 0; }
a.nd-cite {
  display: inline-block; min-width: 1.5em; padding: 0 0.3em; margin-left: 1px;
  border-radius: 0.6em; background: #e0e7ff; color: #4338ca !important;
  font-size: 0.72rem; font-weight: 600; text-align: center; text-decoration: none !important;
  vertical-align: super; line-height: 1.4;
}
a.nd-cite:hover { background: var(--color-accent); color: white !important; }
.nd-answer-foot { margin-top: 6px; font-size: 0.78rem; color: var(--body-text-color-subdued); }
.nd-refusal, .nd-error {
  border-left: 3px solid #d97706; padding: 2px 0 2px 10px; color: var(--body-text-color);
}
.nd-error { border-left-color: #dc2626; }
.nd-refusal-label, .nd-error-label {
  font-size: 0.72rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.05em;
  color: #b45309; margin-bottom: 2px;
}
.nd-error-label { color: #b91c1c; }
.nd-streaming { color: var(--body-text-color-subdued); }
.nd-caret { animation: nd-blink 1s steps(2) infinite; margin-left: 1px; }
.nd-dots::after { content: "\\2026"; animation: nd-blink 1s steps(2) infinite; }
@keyframes nd-blink { 50% { opacity: 0; } }
#nd-side { gap: 10px; }
#nd-sources .html-container, #nd-status .html-container { padding: 0; }
#nd-sources { max-height: 600px; overflow-y: auto; }
.nd-panel {
  border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg);
  background: var(--block-background-fill); padding: 12px 14px;
}
.nd-panel-title {
  font-size: 0.8rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.06em;
  color: var(--body-text-color-subdued); margin-bottom: 8px;
}
.nd-placeholder { color: var(--body-text-color-subdued); font-size: 0.92rem; line-height: 1.5; }
details.nd-turn { margin-bottom: 8px; }
details.nd-turn > summary {
  cursor: pointer; font-weight: 600; padding: 4px 0; color: var(--body-text-color);
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
}
.nd-turn-number {
  font-size: 0.72rem; font-weight: 700; color: var(--body-text-color-subdued); margin-right: 4px;
}
ol.nd-source-list, ol.nd-passage-list { list-style: none; padding: 0; margin: 6px 0 0; }
li.nd-source, li.nd-passage {
  border: 1px solid var(--border-color-primary); border-radius: var(--radius-md);
  padding: 10px 12px; margin-bottom: 10px; background: var(--background-fill-primary);
  scroll-margin: 12px; transition: box-shadow 0.3s;
}
li.nd-source.nd-flash { animation: nd-flash 1.6s ease-out; }
@keyframes nd-flash {
  0% { box-shadow: 0 0 0 3px var(--color-accent); } 100% { box-shadow: 0 0 0 0 transparent; }
}
.nd-source-head { display: flex; gap: 8px; align-items: baseline; }
.nd-source-title { font-weight: 600; line-height: 1.35; }
.nd-badge {
  display: inline-flex; justify-content: center; align-items: center; flex: none;
  width: 1.45em; height: 1.45em; border-radius: 50%; background: var(--color-accent);
  color: white; font-size: 0.75rem; font-weight: 700;
}
.nd-rank { font-size: 0.78rem; font-weight: 700; color: var(--body-text-color-subdued); }
.nd-meta { font-size: 0.8rem; color: var(--body-text-color-subdued); margin: 3px 0 6px; }
.nd-meta code { font-size: 0.75rem; background: none; padding: 0; }
.nd-also { font-size: 0.8rem; color: var(--body-text-color-subdued); margin: -3px 0 6px; }
.nd-also code { font-size: 0.75rem; background: none; padding: 0; }
blockquote.nd-context {
  margin: 0; padding: 6px 10px; border-left: 3px solid var(--border-color-accent);
  font-size: 0.9rem; line-height: 1.5; color: var(--body-text-color-subdued);
}
blockquote.nd-context mark {
  background: #fde68a; color: #1f2937; padding: 0 2px; border-radius: 2px;
}
.nd-no-sources {
  border-left: 3px solid #d97706; padding: 4px 10px; font-size: 0.92rem;
  color: var(--body-text-color-subdued);
}
.nd-passage-text { font-size: 0.85rem; line-height: 1.45; color: var(--body-text-color); }
#nd-passages { max-height: 520px; overflow-y: auto; }
#nd-status { min-height: 1.6em; padding: 0 4px; }
#nd-input-row { align-items: stretch; gap: 8px; }
#nd-input-row button { min-height: 44px; }
.nd-backend { font-weight: 600; color: var(--body-text-color); }
.nd-status { font-size: 0.85rem; color: var(--body-text-color-subdued); }
.nd-dot {
  display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px;
  background: #94a3b8;
}
.nd-status-ok .nd-dot { background: #16a34a; }
.nd-status-refused .nd-dot { background: #d97706; }
.nd-status-error .nd-dot { background: #dc2626; }
.nd-status-busy .nd-dot { background: #6366f1; animation: nd-blink 1s steps(2) infinite; }
.nd-applied { color: var(--body-text-color); }
.nd-query {
  font-size: 0.85rem; margin: 2px 0 8px; padding: 6px 10px; border-radius: var(--radius-md);
  background: var(--background-fill-secondary);
}
.nd-query-label {
  font-size: 0.72rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.05em;
  color: var(--body-text-color-subdued); margin-right: 4px;
}
#nd-corpus { max-height: 420px; overflow-y: auto !important; }
.nd-corpus-count { font-size: 0.8rem; color: var(--body-text-color-subdued); margin: 2px 0 6px; }
table.nd-corpus {
  width: 100%; border-collapse: collapse; font-size: 0.85rem; border: none !important;
}
table.nd-corpus th {
  text-align: left; font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.05em;
  color: var(--body-text-color-subdued); padding: 4px 6px; border: none !important;
  border-bottom: 1px solid var(--border-color-primary) !important;
}
table.nd-corpus td {
  padding: 6px; vertical-align: top; border: none !important;
  border-bottom: 1px solid var(--border-color-primary) !important;
}
td.nd-col-date { white-space: nowrap; }
#nd-remove-row { align-items: end; }
td.nd-col-title { font-weight: 600; line-height: 1.35; }
td.nd-col-title code { font-weight: 400; font-size: 0.72rem; background: none; padding: 0; }
td.nd-col-num { text-align: right; font-variant-numeric: tabular-nums; }
ul.nd-report { list-style: none; padding: 0; margin: 4px 0; font-size: 0.88rem; }
ul.nd-report li { padding: 3px 8px; border-left: 3px solid #94a3b8; margin-bottom: 3px; }
ul.nd-report li.nd-ok { border-left-color: #16a34a; }
ul.nd-report li.nd-bad { border-left-color: #dc2626; }
.nd-report-foot { font-size: 0.78rem; color: var(--body-text-color-subdued); }
.nd-busy { font-size: 0.88rem; color: var(--body-text-color-subdued); }
"""
