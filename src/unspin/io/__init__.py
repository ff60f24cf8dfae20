"""Input and output: read documents from files, directories and stdin; write results."""

from unspin.io.readers import Document, InputProblem, iter_documents
from unspin.io.writers import (
    problem_to_dict,
    render_terminal,
    top_findings,
    write_csv,
    write_jsonl,
    write_problem,
)

__all__ = [
    "Document",
    "InputProblem",
    "iter_documents",
    "problem_to_dict",
    "render_terminal",
    "top_findings",
    "write_csv",
    "write_jsonl",
    "write_problem",
]
