"""The `suggest` and `suggestions` commands (registered by `annotator.cli`).

    annotator suggest quotes|gazetteer|spacy [--model NAME] [--documents ID,...] [--json]
    annotator suggestions accept|reject [--source S] [--label L] [--documents ...] [--dry-run]

With --json, `suggest` prints one JSON object per pending suggestion of the run, one a line:
{"document", "kind", "start", "end", "text", "label", "speaker", "source", "score"}
(offsets are code points into the stored text; `speaker` is the claim's speaker mention).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the rest is imported when a command runs: a fast start for the others
    from annotator.core.suggestions import Suggestion
    from annotator.services.project import Project
    from annotator.services.suggesters import SuggestRun


def add_suggestion_commands(sub: Any, project_help: str) -> None:
    """Add `suggest` and `suggestions` to the command line's subparsers."""
    add_suggest_arguments(
        sub.add_parser("suggest", help="propose annotations: quotations, gazetteer, spaCy model"),
        project_help,
    )
    add_suggestions_arguments(
        sub.add_parser("suggestions", help="accept or reject stored suggestions in batches"),
        project_help,
    )


def add_suggest_arguments(p: argparse.ArgumentParser, project_help: str) -> None:
    """The arguments of `annotator suggest`."""
    p.add_argument("suggester", choices=["quotes", "gazetteer", "spacy"])
    p.add_argument("--model", help="spaCy pipeline: an installed package name or a folder")
    p.add_argument(
        "--label-map",
        metavar="FROM=TO,...",
        help="map the model's entity labels to the schema's (default: same names)",
    )
    p.add_argument(
        "--terms",
        metavar="FILE",
        help="gazetteer: add the terms of this CSV or text file to the project's gazetteer first",
    )
    p.add_argument("--label", help="gazetteer: the label for a text file of terms")
    p.add_argument("--ignore-case", action="store_true", help="gazetteer: terms ignore case")
    p.add_argument("--documents", help="only these document ids (comma-separated, or @FILE)")
    p.add_argument("--project", help=project_help, default=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="print each suggestion as a JSON line")


def add_suggestions_arguments(d: argparse.ArgumentParser, project_help: str) -> None:
    """The arguments of `annotator suggestions`."""
    from annotator.core.suggestions import SuggestionKind

    d.add_argument("decision", choices=["accept", "reject"])
    d.add_argument("--source", help="only suggestions from this source (quotes, gazetteer, ...)")
    d.add_argument("--label", help="only suggestions with this label")
    d.add_argument("--kind", choices=[k.value for k in SuggestionKind])
    d.add_argument("--documents", help="only these document ids (comma-separated, or @FILE)")
    d.add_argument("--dry-run", action="store_true", help="only count what would be decided")
    d.add_argument("--project", help=project_help, default=argparse.SUPPRESS)


def run_suggest(project: Project, args: argparse.Namespace, documents: list[str] | None) -> int:
    from annotator.services.spacy_suggest import suggest_spacy
    from annotator.services.suggesters import run_pending, suggest_quotes

    if args.suggester == "quotes":
        run = suggest_quotes(project, documents)
    elif args.suggester == "gazetteer":
        run = _gazetteer(project, args, documents)
    else:
        if not args.model:
            raise ValueError("suggest spacy needs --model NAME (an installed pipeline or a folder)")
        run, dropped = suggest_spacy(project, args.model, _label_map(args.label_map), documents)
        for label, n in sorted(dropped.items()):
            note = f"note: {n} {label} entities dropped (no schema label; see --label-map)"
            print(note, file=sys.stderr)
    if args.json:
        texts: dict[str, str] = {}
        for s in run_pending(project, run):
            if s.document_id not in texts:
                texts = {s.document_id: project.repo.get_document(s.document_id).text}
            print(json.dumps(suggestion_json(s, texts[s.document_id]), ensure_ascii=False))
    print(run.summary(), file=sys.stderr if args.json else sys.stdout)
    return 0


def _gazetteer(
    project: Project, args: argparse.Namespace, documents: list[str] | None
) -> SuggestRun:
    from annotator.services.gazetteers import (
        GazetteerError,
        load_gazetteer,
        read_gazetteer_file,
        save_gazetteer,
        suggest_gazetteer,
    )

    if args.terms:
        read = read_gazetteer_file(args.terms, args.label, args.ignore_case)
        for problem in read.problems:
            print(f"refused: {problem}", file=sys.stderr)
        try:
            save_gazetteer(project, load_gazetteer(project).merged(read.gazetteer))
        except GazetteerError as exc:
            raise ValueError(str(exc)) from None
        print(f"gazetteer: {read.size} terms and patterns read from {args.terms}", file=sys.stderr)
    try:
        return suggest_gazetteer(project, documents=documents)
    except GazetteerError as exc:
        raise ValueError(str(exc)) from None


def _label_map(value: str | None) -> dict[str, str] | None:
    if not value:
        return None
    mapping = {}
    for part in value.split(","):
        source, sep, target = part.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise ValueError(f"--label-map: expected FROM=TO, got {part!r}")
        mapping[source.strip()] = target.strip()
    return mapping


def suggestion_json(s: Suggestion, text: str) -> dict[str, Any]:
    """The JSON line of one suggestion (code-point offsets into the stored text)."""
    speaker = None
    if s.speaker is not None:
        speaker = {
            "start": s.speaker.start,
            "end": s.speaker.end,
            "text": text[s.speaker.start : s.speaker.end],
        }
    return {
        "document": s.document_id,
        "kind": s.kind.value,
        "start": s.start,
        "end": s.end,
        "text": text[s.start : s.end],
        "label": s.label,
        "speaker": speaker,
        "source": s.source,
        "score": s.score,
    }


def run_decide(project: Project, args: argparse.Namespace, documents: Sequence[str] | None) -> int:
    from annotator.core.suggestions import SuggestionKind
    from annotator.services.suggesting import SuggestionFilter, decide_matching, suggestion_store

    kind = SuggestionKind(args.kind) if args.kind else None
    where = SuggestionFilter(documents=documents, source=args.source, label=args.label, kind=kind)
    count = suggestion_store(project).count(where)
    if args.dry_run:
        print(f"{count} pending suggestions would be {args.decision}ed")
        return 0
    report = decide_matching(project, where, accept=args.decision == "accept")
    for problem in report.refused:
        print(f"refused: {problem}", file=sys.stderr)
    print(
        f"{args.decision}ed {report.decided} of {count} pending suggestions "
        f"in {report.documents} documents"
    )
    return 1 if report.refused else 0
