"""Write the three retraining notebooks (clean, no outputs): ``python retrain/make_notebooks.py``.

The logic lives in ``cyclops.retrain``; these notebooks only set parameters
(papermill's ``parameters`` cell), call it and show tables and plots.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

PARAMETERS = '''since = ""  # only corrections made on or after this ISO date (empty: all)
tracking_uri = ""  # MLflow tracking URI (empty: CYCLOPS_MLFLOW_URI or the local store)
workdir = "."  # notebooks hand results on through JSON files here
synthetic_n = 60  # synthetic base-set products joined with the corrections
synthetic_seed = 11
packaged_base = False  # also train on the packaged model's own training lines (cyclops retrain: True)
heldout_fraction = 0.3
bench_n = 8  # products of the fixed synthetic benchmark (seed 9998)
min_gain = 0.01
max_label_drop = 0.02
max_bench_drop = 0.02'''


def _parameters() -> nbformat.NotebookNode:
    cell = new_code_cell(PARAMETERS)
    cell.metadata["tags"] = ["parameters"]
    return cell


def build_dataset() -> nbformat.NotebookNode:
    return new_notebook(cells=[
        new_markdown_cell("# 1. Build the training dataset\n\nThe lines analysts reviewed since `since` joined with the "
                          "synthetic base set, de-duplicated, split train / held-out **by product**, written to the "
                          "store under `datasets/{version}/`."),
        _parameters(),
        new_code_cell("import pandas as pd\n\nfrom cyclops.retrain import dataset as rd\nfrom cyclops.retrain.train import write_handoff"),
        new_code_cell("dataset = rd.build_dataset(since=since or None, synthetic_n=synthetic_n, synthetic_seed=synthetic_seed,\n"
                      "                           heldout_fraction=heldout_fraction, packaged_base=packaged_base, keep_aside=True)\n"
                      "key = rd.save_dataset(dataset)\n"
                      "write_handoff(workdir, 'dataset.json', {'version': dataset.version, 'sha256': dataset.sha256, 'key': key})\n"
                      "print(f'dataset {dataset.version} -> {key}')\n"
                      "print(f\"{dataset.manifest['edits']} edits on {len(dataset.manifest['analyses'])} analyses; \"\n"
                      "      f\"{dataset.manifest['duplicates_dropped']} duplicate lines dropped\")"),
        new_markdown_cell("## Lines per label and source"),
        new_code_cell("table = pd.DataFrame({f'{side} {source}': counts\n"
                      "                      for side in ('train', 'heldout')\n"
                      "                      for source, counts in dataset.manifest[side]['by_label_and_source'].items()}).fillna(0).astype(int)\n"
                      "table"),
        new_code_cell("pd.DataFrame({side: {k: dataset.manifest[side][k] for k in ('lines', 'products')} for side in ('train', 'heldout')})"),
        new_markdown_cell("## Dataset card\n\nOnly lines an analyst reviewed are rows (`dataset.REVIEW_RULE`): a label "
                          "edit (correction or accept), a line edit, or a field edit on the evidence of the value left. "
                          "A standing sign-off also makes an `other` row of each line that fed no field, reads no signed "
                          "value and has letters enough to be read (`dataset.lines_signed_other`): without them a model "
                          "learns that every line is some field. The card says by which rule, and counts rows per "
                          "source, review, label, analyst and served model."),
        new_code_cell("from IPython.display import Markdown\n\nMarkdown(rd.dataset_card(dataset))"),
        new_markdown_cell("## Screen: is the batch fit to train on?\n\nHeld for a reviewer when its corrections overturn "
                          "the served model's confident predictions far more than usual (the batch, or one analyst), or "
                          "relabel what other analysts labelled on the same products (`retrain/screen.py`). "
                          "`cyclops retrain` stops here if so.\n\nKnown limit: \"usual\" (3 % + 5 % of confident "
                          "predictions) was measured on synthetic data. Careful corrections of the real development "
                          "photos overturn 26 % (`benchmarks/results/retrain_real.md`), so a real batch is held until "
                          "the usual rate is measured on real corrections."),
        new_code_cell("from cyclops.fieldmodel.registry import load_served_model\nfrom cyclops.retrain import trusted as tr\n"
                      "from cyclops.retrain.screen import screen_batch\nfrom cyclops.retrain.tracking import configure\n\n"
                      "configure(tracking_uri or None)\n"
                      "served, served_label = load_served_model('production')\n"
                      "batch = [r for r in dataset.train + dataset.heldout if r.source == 'correction']\n"
                      "screen = screen_batch(batch, served, peers=tr.earlier_rows(since or None))\n"
                      "write_handoff(workdir, 'screen.json', screen.model_dump() | {'served': served_label})\n"
                      "print(('HELD: ' + '; '.join(screen.reasons)) if screen.hold else 'fit to train on')\n"
                      "pd.DataFrame(screen.by_analyst).T"),
    ])


def train() -> nbformat.NotebookNode:
    return new_notebook(cells=[
        new_markdown_cell("# 2. Train the candidate\n\nFit the field classifier on the training split, evaluate on the "
                          "held-out products and the fixed synthetic benchmark, log everything to MLflow and register the model."),
        _parameters(),
        new_code_cell("import json\nfrom pathlib import Path\n\nimport pandas as pd\n\n"
                      "from cyclops.retrain import dataset as rd, train as rt\nfrom cyclops.retrain.tracking import configure"),
        new_code_cell("configure(tracking_uri or None)\n"
                      "handoff = json.loads((Path(workdir) / 'dataset.json').read_text())\n"
                      "dataset = rd.load_dataset(handoff['version'])\n"
                      "model = rt.train_candidate(dataset)\n"
                      "bench = rt.benchmark_examples(bench_n)\n"
                      "evaluations = rt.evaluate_all(model, dataset, bench)\n"
                      "vocabulary = rt.spelling_vocabulary(dataset.train)\n"
                      "info = rt.log_candidate(model, dataset, evaluations, vocabulary=vocabulary,\n"
                      "                        params={'synthetic_n': synthetic_n, 'synthetic_seed': synthetic_seed, 'bench_n': bench_n})\n"
                      "rt.write_handoff(workdir, 'candidate.json', info)\n"
                      "info"),
        new_markdown_cell("## Scores"),
        new_code_cell("pd.DataFrame({name: {'lines': ev.n, 'accuracy': ev.accuracy, 'macro F1': ev.macro_f1}\n"
                      "              for name, ev in evaluations.items()}).T"),
        new_code_cell("pd.DataFrame(evaluations['heldout'].per_label).T"),
        new_code_cell("rt.confusion_figure(evaluations['heldout'], 'candidate on held-out products')"),
    ])


def promote() -> nbformat.NotebookNode:
    return new_notebook(cells=[
        new_markdown_cell("# 3. Challenger or refused\n\nThe candidate is judged on data its batch cannot touch "
                          "(`judge.judge_candidate`):\n\n"
                          "- the fixed benchmark, per label;\n"
                          "- the reviewed truth kept aside, reviewed before the batch by other analysts;\n"
                          "- the fields of trusted products (`retrain/fieldcheck.py`): kept aside, signed off before the "
                          "batch by other analysts (`trusted.trusted_field_cases`, read from the store by "
                          "`promote.gate_candidate`). Both models re-extract their fields from the lines as served; "
                          "a field may lose one value's worth, all fields pooled 0.02 F1. Line scores can rise while "
                          "the fields fall;\n"
                          "- and, never alone, the batch's own held-out lines.\n\n"
                          "If it passes it gets the `challenger` alias and runs in shadow; it takes `production` only on "
                          "corrections made after it was registered (`cyclops retrain-scheduled`). Either way the decision is recorded."),
        _parameters(),
        new_code_cell("import json\nfrom pathlib import Path\n\nimport pandas as pd\n\n"
                      "from cyclops.retrain import dataset as rd, promote as rp, train as rt, trusted as tr\n"
                      "from cyclops.retrain.judge import GateSettings\nfrom cyclops.retrain.tracking import configure"),
        new_code_cell("configure(tracking_uri or None)\n"
                      "work = Path(workdir)\n"
                      "dataset = rd.load_dataset(json.loads((work / 'dataset.json').read_text())['version'])\n"
                      "candidate = json.loads((work / 'candidate.json').read_text())\n"
                      "settings = GateSettings(min_gain=min_gain, max_label_drop=max_label_drop, max_bench_drop=max_bench_drop)\n"
                      "record = rp.gate_candidate(candidate['model_version'], candidate['run_id'], dataset,\n"
                      "                           bench=rt.benchmark_examples(bench_n), settings=settings,\n"
                      "                           trusted=tr.trusted_rows(tr.earlier_rows(since or None),\n"
                      "                                                   tr.analysts(dataset.train + dataset.heldout)))\n"
                      "key = rp.keep_record(record, work)\n"
                      "print(record['outcome'].upper() + ': ' + '; '.join(record['reasons']))\n"
                      "print(f\"trusted: {record['trusted_lines']} lines, {record['trusted_products']} signed-off products\")\n"
                      "print('record:', key)"),
        new_markdown_cell("## Line scores"),
        new_code_cell("pd.DataFrame({k: v for k, v in record['scores'].items() if k != 'trusted_fields'}).T"),
        new_markdown_cell("## Field check: F1 per field on the trusted products"),
        new_code_cell("fields = record['scores'].get('trusted_fields')\n"
                      "(pd.DataFrame({who: {name: row['f1'] for name, row in fields[who].items()} for who in ('current', 'candidate')})\n"
                      " if fields else 'no trusted signed-off products: the field check did not run')"),
    ])


NOTEBOOKS = {"01_build_dataset.ipynb": build_dataset, "02_train.ipynb": train, "03_promote.ipynb": promote}


def write(folder: Path = HERE) -> list[Path]:
    paths = []
    for name, make in NOTEBOOKS.items():
        nb = make()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        for i, cell in enumerate(nb.cells):  # stable ids: regenerating gives identical files
            cell["id"] = f"{name[:2]}-{i:02d}"
        nbformat.validate(nb)
        path = folder / name
        nbformat.write(nb, path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write():
        print(p)
