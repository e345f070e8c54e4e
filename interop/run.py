"""``make interop``: Annotator's exports and imports against the real doccano and Label Studio.

Installs doccano 1.8.4 and Label Studio 1.23.2 into cached virtualenvs (see
`interop.servers`), starts both on 127.0.0.1, and for each format and direction:

* Annotator -> tool: ``annotator export`` of a project with emoji, CJK, RTL and overlapping
  spans, uploaded through the tool's normal import API; every span is read back through
  the tool's API and its text checked in the tool's own unit.
* tool -> Annotator: spans are made in the tool through its API (as a second analyst too),
  the tool's exports are downloaded and read back with ``annotator import``; every span's
  text and analyst is checked in the imported project.

Prints one row per format and direction (spans right / shifted / missing) and exits 1 if
any span is shifted or missing beyond what the export's manifest announced as lost.
``--save-fixtures DIR`` keeps the files the tools exported (tests/formats/fixtures).
Stops only the servers it started.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from annotator.core.offsets import OffsetMap  # noqa: E402
from interop import corpus, servers  # noqa: E402
from interop.servers import Server  # noqa: E402

Span = tuple[str, int, int]  # (label, start, end) in code points


@dataclass
class Row:
    fmt: str
    direction: str
    right: int = 0
    shifted: int = 0
    missing: int = 0
    announced: int = 0  # spans the manifest said the target would lose
    note: str = ""
    misplaced: int = 0  # spans that arrived in the wrong layer (annotations, not suggestions)

    @property
    def ok(self) -> bool:
        return self.shifted == 0 and self.missing <= self.announced and self.misplaced == 0


def tally(row: Row, expected: list[Span], got: list[Span]) -> None:
    """Count expected spans found exactly, found with other offsets, or absent."""
    left = list(got)
    unmatched = []
    for span in expected:
        if span in left:
            left.remove(span)
            row.right += 1
        else:
            unmatched.append(span)
    for label, _s, _e in unmatched:
        same = next((g for g in left if g[0] == label), None)
        if same is not None:
            left.remove(same)
            row.shifted += 1
        else:
            row.missing += 1


def annotator_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-m", "annotator", *args], capture_output=True, text=True, env=env
    )
    if check and proc.returncode != 0:
        raise RuntimeError(f"annotator {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc


def project_spans(project: Path) -> dict[str, list[tuple[str, str, str]]]:
    """text -> [(label, span text, annotator)] of every entity and claim in a project."""
    out = annotator_cli("export", "--format", "jsonl", "--out", "-", "--project", str(project))
    spans: dict[str, list[tuple[str, str, str]]] = {}
    for line in out.stdout.splitlines():
        record = json.loads(line)
        text = record["text"]
        got = spans.setdefault(text, [])
        for e in record["entities"]:
            assert text[e["start"] : e["end"]] == e["text"]
            got.append((e["label"], e["text"], e["annotator"]))
        for c in record["claims"]:
            got.append(("CLAIM", c["text"], c["annotator"]))
    return spans


def project_suggestions(project: Path) -> dict[str, list[tuple[str, str, str]]]:
    """text -> [(label, span text, source)] of every pending entity and claim suggestion."""
    out = annotator_cli(
        "export", "--format", "jsonl", "--include-suggestions", "--out", "-",
        "--project", str(project),
    )  # fmt: skip
    found: dict[str, list[tuple[str, str, str]]] = {}
    for line in out.stdout.splitlines():
        record = json.loads(line)
        text = record["text"]
        got = found.setdefault(text, [])
        for s in record["suggestions"]:
            if s["kind"] == "document_sentiment":
                continue
            assert text[s["start"] : s["end"]] == s["text"]
            label = "CLAIM" if s["kind"] == "claim" else s["label"]
            got.append((label, s["text"], s["source"]))
    return found


def expected_spans(with_claims: bool) -> dict[str, list[Span]]:
    """text -> spans of the corpus (claims as CLAIM spans when the format writes them)."""
    out: dict[str, list[Span]] = {}
    for record in corpus.records():
        spans = [(e["label"], e["start"], e["end"]) for e in record.get("entities", [])]
        if with_claims:
            spans += [("CLAIM", c["start"], c["end"]) for c in record.get("claims", [])]
        out[record["text"]] = spans
    return out


def api(server: Server, method: str, path: str, **kwargs: Any) -> Any:
    reply = requests.request(
        method, server.url + path, headers=server.headers, timeout=120, **kwargs
    )
    if reply.status_code >= 400:
        raise RuntimeError(f"{server.name} {method} {path}: {reply.status_code} {reply.text[:300]}")
    ctype = reply.headers.get("content-type", "")
    return reply.json() if "json" in ctype else reply.content


def manifest_losses(export: Path) -> dict[str, int]:
    manifest = json.loads(export.with_name(export.name + ".manifest.json").read_text("utf-8"))
    return dict(manifest.get("losses", {}))


# -- doccano ---------------------------------------------------------------------------


def doccano_wait(server: Server, task_id: str) -> Any:
    for _ in range(600):
        status = api(server, "GET", f"/v1/tasks/status/{task_id}")
        if status.get("ready"):
            if status.get("error"):
                raise RuntimeError(f"doccano task failed: {status['error']}")
            return status.get("result")
        time.sleep(0.2)
    raise RuntimeError("doccano task did not finish")


def doccano_project(server: Server, name: str, relations: bool) -> int:
    project = api(
        server,
        "POST",
        "/v1/projects",
        json={
            "name": name,
            "description": "interop",
            "guideline": "",
            "project_type": "SequenceLabeling",
            "resourcetype": "SequenceLabelingProject",
            "use_relation": relations,
            "allow_overlapping": False,  # doccano's default
            "collaborative_annotation": False,
            "grapheme_mode": False,
            "random_order": False,
            "tags": [],
        },
    )
    return int(project["id"])


def doccano_upload(server: Server, pid: int, path: Path, relations: bool) -> None:
    upload = requests.post(
        server.url + "/v1/fp/process/",
        headers=server.headers,
        files={"filepond": (path.name, path.read_bytes(), "application/octet-stream")},
        timeout=120,
    )
    upload.raise_for_status()
    task = api(
        server,
        "POST",
        f"/v1/projects/{pid}/upload",
        json={
            "format": "JSONL",
            "task": "RelationExtraction" if relations else "SequenceLabeling",
            "uploadIds": [upload.text],
            "column_data": "text",
            "column_label": "label",
            "delimiter": "",
            "encoding": "utf_8",
        },
    )
    result = doccano_wait(server, task["task_id"])
    if isinstance(result, dict) and result.get("error"):
        raise RuntimeError(f"doccano refused {path.name}: {result['error'][:3]}")


def doccano_examples(server: Server, pid: int) -> list[dict[str, Any]]:
    return list(api(server, "GET", f"/v1/projects/{pid}/examples?limit=1000")["results"])


def doccano_spans(server: Server, pid: int) -> dict[str, list[Span]]:
    """text -> spans as doccano shows them (its offsets read as UTF-16, like its frontend)."""
    labels = {t["id"]: t["text"] for t in api(server, "GET", f"/v1/projects/{pid}/span-types")}
    out: dict[str, list[Span]] = {}
    for example in doccano_examples(server, pid):
        text, omap = example["text"], OffsetMap(example["text"])
        got = out.setdefault(text, [])
        for span in api(server, "GET", f"/v1/projects/{pid}/examples/{example['id']}/spans"):
            s, e = omap.span_to_codepoint(span["start_offset"], span["end_offset"])
            got.append((labels[span["label"]], s, e))
    return out


def doccano_export(server: Server, pid: int) -> bytes:
    task = api(
        server,
        "POST",
        f"/v1/projects/{pid}/download",
        json={"format": "JSONL", "exportApproved": False},
    )
    doccano_wait(server, task["task_id"])
    return bytes(api(server, "GET", f"/v1/projects/{pid}/download?taskId={task['task_id']}"))


def doccano_second_user(server: Server, pid: int) -> Server:
    """A second analyst (annotator role) in the project, with a server handle of its own."""
    name, password = "analyst2", servers.PASSWORD + "x"
    users = api(server, "GET", "/v1/users")
    user = next((u for u in users if u["username"] == name), None)
    if user is None:
        user = api(
            server,
            "POST",
            "/v1/users/create",
            json={
                "username": name,
                "email": "analyst2@example.com",
                "password1": password,
                "password2": password,
            },
        )
    roles = {r["name"]: r["id"] for r in api(server, "GET", "/v1/roles")}
    api(
        server,
        "POST",
        f"/v1/projects/{pid}/members",
        json={"user": user["id"], "role": roles["annotator"]},
    )
    login = requests.post(
        server.url + "/v1/auth/login/", json={"username": name, "password": password}, timeout=30
    )
    login.raise_for_status()
    return Server(
        server.name,
        server.url,
        server.process,
        server.log,
        {"Authorization": f"Token {login.json()['key']}"},
    )


def doccano_make_spans(server: Server, pid: int, who: Server) -> dict[str, list[Span]]:
    """Spans made in doccano through its API, offsets in UTF-16 as its frontend sends them."""
    label_ids = {t["text"]: t["id"] for t in api(server, "GET", f"/v1/projects/{pid}/span-types")}
    for label in {lab for spans in corpus.MADE_IN_TOOLS.values() for _t, lab in spans}:
        if label not in label_ids:
            made = api(
                server,
                "POST",
                f"/v1/projects/{pid}/span-types",
                json={"text": label, "background_color": "#209cee", "text_color": "#ffffff"},
            )
            label_ids[label] = made["id"]
    texts = {r["id"]: r["text"] for r in corpus.records()}
    made_spans: dict[str, list[Span]] = {}
    for example in doccano_examples(server, pid):
        key = next((k for k, t in texts.items() if t == example["text"]), None)
        if key not in corpus.MADE_IN_TOOLS:
            continue
        text, omap = example["text"], OffsetMap(example["text"])
        for needle, label in corpus.MADE_IN_TOOLS[key]:
            s, e = corpus.at(text, needle)
            u16 = omap.span_to_utf16(s, e)
            api(
                who,
                "POST",
                f"/v1/projects/{pid}/examples/{example['id']}/spans",
                json={"start_offset": u16[0], "end_offset": u16[1], "label": label_ids[label]},
            )
            made_spans.setdefault(text, []).append((label, s, e))
    return made_spans


def run_doccano(server: Server, work: Path, project: Path, fixtures: Path | None) -> list[Row]:
    rows: list[Row] = []
    for fmt, relations in (("doccano", False), ("doccano-relations", True)):
        export = work / f"{fmt}.jsonl"
        annotator_cli("export", "--format", fmt, "--out", str(export), "--project", str(project))
        losses = manifest_losses(export)
        row = Row(
            fmt, "annotator -> doccano", announced=losses.get("overlaps_dropped_by_doccano", 0)
        )
        row.note = "lost as announced: " + ", ".join(f"{k} {v}" for k, v in sorted(losses.items()))
        pid = doccano_project(server, f"interop {fmt}", relations)
        doccano_upload(server, pid, export, relations)
        got = doccano_spans(server, pid)
        expected = expected_spans(with_claims=relations)
        for text, spans in expected.items():
            tally(row, spans, got.get(text, []))
        if relations:
            relation_count = 0
            for example in doccano_examples(server, pid):
                relation_count += len(
                    api(server, "GET", f"/v1/projects/{pid}/examples/{example['id']}/relations")
                )
            row.note += f"; {relation_count} speaker relation(s) in doccano"
        rows.append(row)

        # Back: spans made in doccano by a second analyst, then doccano's export imported.
        second = doccano_second_user(server, pid)
        made = doccano_make_spans(server, pid, second)
        archive = doccano_export(server, pid)
        dump = work / f"{fmt}-from-doccano.zip"
        dump.write_bytes(archive)
        back_project = work / f"{fmt}-back.annotator"
        annotator_cli(
            "import", str(dump), "--project", str(back_project), "--annotator", "importer"
        )
        imported = project_spans(back_project)
        back = Row(fmt, "doccano -> annotator")
        names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
        back.note = f"doccano zip members: {', '.join(sorted(names))}"
        for text, spans in got.items():  # what doccano showed for the admin
            expect = [(lab, text[s:e], servers.ADMIN) for lab, s, e in spans]
            tally_texts(back, expect, imported.get(text, []))
        for text, spans in made.items():
            expect = [(lab, text[s:e], "analyst2") for lab, s, e in spans]
            tally_texts(back, expect, imported.get(text, []))
        rows.append(back)
        if fixtures is not None:
            stem = "doccano_relations" if relations else "doccano"
            (fixtures / f"{stem}_export.zip").write_bytes(archive)
            with zipfile.ZipFile(io.BytesIO(archive)) as z:
                (fixtures / f"{stem}.jsonl").write_bytes(z.read(f"{servers.ADMIN}.jsonl"))
    return rows


def tally_texts(
    row: Row, expected: list[tuple[str, str, str]], got: list[tuple[str, str, str]]
) -> None:
    """Like `tally`, comparing (label, span text, annotator)."""
    left = list(got)
    for span in expected:
        if span in left:
            left.remove(span)
            row.right += 1
        elif any(g[0] == span[0] and g[2] == span[2] for g in left):
            same = next(g for g in left if g[0] == span[0] and g[2] == span[2])
            left.remove(same)
            row.shifted += 1
        else:
            row.missing += 1


# -- Label Studio -------------------------------------------------------------------


def ls_project(server: Server, title: str, config: str) -> int:
    return int(
        api(server, "POST", "/api/projects/", json={"title": title, "label_config": config})["id"]
    )


def ls_tasks(server: Server, pid: int) -> list[dict[str, Any]]:
    return list(api(server, "GET", f"/api/tasks?project={pid}&page_size=1000")["tasks"])


def ls_spans(
    server: Server, pid: int, key: str = "annotations", by: int | None = None
) -> tuple[dict[str, list[Span]], int]:
    """text -> labelled regions as Label Studio stores them (code points); and how many
    regions quote text that differs from the text at their offsets."""
    out: dict[str, list[Span]] = {}
    bad_quotes = 0
    for task in ls_tasks(server, pid):
        text = task["data"]["text"]
        path = (
            f"/api/tasks/{task['id']}/annotations/"
            if key == "annotations"
            else f"/api/predictions/?task={task['id']}"
        )
        got = out.setdefault(text, [])
        for entry in api(server, "GET", path):
            if by is not None and entry.get("completed_by") != by:
                continue
            for region in entry["result"]:
                value = region.get("value", {})
                if region.get("type") != "labels":
                    continue
                s, e = value["start"], value["end"]
                if value.get("text") is not None and text[s:e] != value["text"]:
                    bad_quotes += 1
                label = value["labels"][0]
                got.append(("CLAIM" if label == "Claim" else label, s, e))
    return out, bad_quotes


def run_label_studio(server: Server, work: Path, project: Path, fixtures: Path | None) -> list[Row]:
    rows: list[Row] = []
    pids: dict[str, int] = {}
    for fmt, key in (("label-studio", "annotations"), ("label-studio-predictions", "predictions")):
        export = work / f"{fmt}.json"
        annotator_cli("export", "--format", fmt, "--out", str(export), "--project", str(project))
        manifest = json.loads(export.with_name(export.name + ".manifest.json").read_text("utf-8"))
        pid = ls_project(server, f"interop {fmt}", manifest["label_config"])
        pids[fmt] = pid
        api(
            server,
            "POST",
            f"/api/projects/{pid}/import",
            files={"file": (export.name, export.read_bytes(), "application/json")},
        )
        got, bad = ls_spans(server, pid, key)
        row = Row(fmt, "annotator -> Label Studio", note=f"{bad} region(s) quoting other text")
        row.shifted += bad
        for text, spans in expected_spans(with_claims=True).items():
            tally(row, spans, got.get(text, []))
        rows.append(row)

    # Back: a second analyst makes spans in Label Studio through the API, then every
    # export type is imported with `annotator import`.
    pid = pids["label-studio"]
    users = api(server, "GET", "/api/users/")
    bob = next((u for u in users if u["email"] == "analyst2@example.com"), None)
    if bob is None:
        bob = api(
            server,
            "POST",
            "/api/users/",
            json={
                "email": "analyst2@example.com",
                "username": "analyst2",
                "password": servers.PASSWORD,
            },
        )
    made: dict[str, list[tuple[str, str]]] = {}
    texts = {r["id"]: r["text"] for r in corpus.records()}
    for task in ls_tasks(server, pid):
        text = task["data"]["text"]
        found = next((k for k, t in texts.items() if t == text), None)
        if found is None or found not in corpus.MADE_IN_TOOLS:
            continue
        result = []
        for n, (needle, label) in enumerate(corpus.MADE_IN_TOOLS[found]):
            s, e = corpus.at(text, needle)
            result.append(
                {
                    "id": f"made{n}",
                    "from_name": "label",
                    "to_name": "text",
                    "type": "labels",
                    "value": {"start": s, "end": e, "text": needle, "labels": [label]},
                }
            )
            made.setdefault(text, []).append((label, needle))
        api(
            server,
            "POST",
            f"/api/tasks/{task['id']}/annotations/",
            json={"completed_by": bob["id"], "result": result},
        )
    admin_id = api(server, "GET", "/api/current-user/whoami")["id"]
    admin_spans, _bad = ls_spans(server, pid, by=admin_id)
    exports: list[tuple[str, str, bytes, dict[int, str]]] = []
    # The export button's formats: users appear as ids (imported as user-<id>).
    by_id = {admin_id: f"user-{admin_id}", bob["id"]: f"user-{bob['id']}"}
    for export_type, suffix in (
        ("JSON", ".json"),
        ("JSON_MIN", ".json"),
        ("CSV", ".csv"),
        ("TSV", ".tsv"),
    ):
        data = api(server, "GET", f"/api/projects/{pid}/export?exportType={export_type}")
        raw = (
            data
            if isinstance(data, bytes)
            else json.dumps(data, ensure_ascii=False).encode("utf-8")
        )
        exports.append((export_type, suffix, raw, by_id))
    # An export snapshot (the SDK's way) with users expanded (imported as their email)
    # and predictions in full.
    by_email = {admin_id: f"{servers.ADMIN}@example.com", bob["id"]: "analyst2@example.com"}
    exports.append(("JSON snapshot", ".json", ls_snapshot(server, pid), by_email))
    for export_type, suffix, raw, names in exports:
        stem = export_type.lower().replace(" ", "_")
        dump = work / f"ls-{stem}{suffix}"
        dump.write_bytes(raw)
        back_project = work / f"ls-{stem}.annotator"
        annotator_cli(
            "import", str(dump), "--project", str(back_project), "--annotator", "importer"
        )
        imported = project_spans(back_project)
        row = Row(f"label-studio {export_type}", "Label Studio -> annotator")
        for text, pairs in made.items():
            expect = [(lab, needle, names[bob["id"]]) for lab, needle in pairs]
            tally_texts(row, expect, imported.get(text, []))
        for text, cp_spans in admin_spans.items():
            ours = [(lab, text[s:e], names[admin_id]) for lab, s, e in cp_spans]
            tally_texts(row, ours, imported.get(text, []))
        rows.append(row)
        if fixtures is not None:
            (fixtures / f"label_studio_{stem}{suffix}").write_bytes(raw)
    raw = ls_snapshot(server, pids["label-studio-predictions"])
    dump = work / "ls-predictions.json"
    dump.write_bytes(raw)
    back_project = work / "ls-predictions.annotator"
    annotator_cli("import", str(dump), "--project", str(back_project))
    suggested = project_suggestions(back_project)
    row = Row(
        "label-studio predictions",
        "Label Studio -> annotator",
        note="snapshot export, read as suggestions",
    )
    for text, spans in expected_spans(with_claims=True).items():
        expect = [(lab, text[s:e], "model annotator") for lab, s, e in spans]
        tally_texts(row, expect, suggested.get(text, []))
    row.misplaced = sum(len(got) for got in project_spans(back_project).values())
    if row.misplaced:
        row.note += f"; {row.misplaced} stored as annotations"
    rows.append(row)
    if fixtures is not None:
        (fixtures / "label_studio_predictions.json").write_bytes(raw)
    return rows


def ls_snapshot(server: Server, pid: int) -> bytes:
    """Label Studio's export snapshot API, with predictions and users in full."""
    options = {"predictions": {"only_id": False}, "annotations__completed_by": {"only_id": False}}
    made = api(
        server,
        "POST",
        f"/api/projects/{pid}/exports/",
        json={"title": "interop", "serialization_options": options},
    )
    for _ in range(300):
        status = api(server, "GET", f"/api/projects/{pid}/exports/{made['id']}")
        if status["status"] == "completed":
            break
        if status["status"] == "failed":
            raise RuntimeError("Label Studio export snapshot failed")
        time.sleep(0.2)
    data = api(server, "GET", f"/api/projects/{pid}/exports/{made['id']}/download?exportType=JSON")
    return data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--save-fixtures", type=Path, help="keep the tools' exports here")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="annotator-interop-"))
    fixtures: Path | None = args.save_fixtures
    if fixtures is not None:
        fixtures.mkdir(parents=True, exist_ok=True)
    running: list[Server] = []
    rows: list[Row] = []
    try:
        source = work / "corpus.jsonl"
        source.write_text(corpus.jsonl(), encoding="utf-8")
        project = work / "source.annotator"
        annotator_cli(
            "import", str(source), "--project", str(project), "--annotator", servers.ADMIN
        )
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            starts: list[tuple[str, concurrent.futures.Future[Server]]] = [
                ("doccano", pool.submit(servers.start_doccano, work)),
                ("label-studio", pool.submit(servers.start_label_studio, work)),
            ]
            for _name, future in starts:
                try:
                    running.append(future.result())
                except Exception:
                    for other in starts:
                        if other[1].done() and other[1].exception() is None:
                            running.append(other[1].result())
                    raise
        print(f"interop: servers up in {time.monotonic() - started:.0f} s", flush=True)
        doccano, label_studio = running
        runners: list[tuple[Server, Callable[..., list[Row]]]] = [
            (doccano, run_doccano),
            (label_studio, run_label_studio),
        ]
        for server, runner in runners:
            rows += runner(server, work, project, fixtures)
    finally:
        for server in running:
            server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"interop: work folder kept: {work}")
    width = max(len(r.fmt) for r in rows) if rows else 10
    print(f"\n{'format':<{width}}  {'direction':<27} right shifted missing  notes")
    for r in rows:
        flag = "" if r.ok else "  <-- FAIL"
        counts = f"{r.right:5} {r.shifted:7} {r.missing:7}"
        print(f"{r.fmt:<{width}}  {r.direction:<27} {counts}  {r.note}{flag}")
    print(f"interop: {time.monotonic() - started:.0f} s in all")
    return 0 if rows and all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
