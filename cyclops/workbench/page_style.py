"""The dashboard's own CSS: every word fits. ipywidgets gives buttons, labels and tabs fixed widths and cuts what
does not fit with "…" ("Del...", "Move to non-..."); French words are longer still. Here they take the width their
words need, tabs wrap onto a second row rather than shrink, and nothing spills past the window at 1366 px."""

FIT_CSS = """
.cyclops-workbench .jupyter-button { width: auto; min-width: 2.5em; max-width: none; overflow: visible; text-overflow: clip; }
.cyclops-workbench .widget-inline-hbox > .widget-label, .cyclops-workbench .widget-inline-hbox > .jupyter-widget-label {
  width: auto; min-width: 3em; max-width: none; overflow: visible; text-overflow: clip; margin-right: 6px; }
.cyclops-workbench .widget-text, .cyclops-workbench .widget-dropdown, .cyclops-workbench .widget-datepicker { max-width: 100%; }
.cyclops-workbench .lm-TabBar-content { flex-wrap: wrap; }
.cyclops-workbench .lm-TabBar, .cyclops-workbench .jupyter-widget-TabBar { height: auto; min-height: fit-content; }
.cyclops-workbench .lm-TabBar-tab { flex: 0 0 auto; min-width: auto; max-width: none; }
.cyclops-workbench .lm-TabBar-tabLabel { overflow: visible; text-overflow: clip; }
.cyclops-workbench .widget-hbox { flex-wrap: wrap; }
.cyclops-workbench .cyclops-worklist-row, .cyclops-workbench .cyclops-worklist-head { flex-wrap: nowrap; }
"""
