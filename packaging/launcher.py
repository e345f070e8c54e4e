"""Entry point of the frozen app: the `annotator` command line, plus file-manager launches.

Desktops open a project by running the app with the file as its only argument (the .desktop
file's `%f`, Windows' `"%1"`); that is turned into `--project FILE`.
"""

import multiprocessing
import sys

from annotator.cli import main
from annotator.services.project import PROJECT_SUFFIX


def _arguments(argv: list[str]) -> list[str]:
    if len(argv) == 1 and not argv[0].startswith("-") and argv[0].endswith(PROJECT_SUFFIX):
        return ["--project", argv[0]]
    return argv


if __name__ == "__main__":
    multiprocessing.freeze_support()  # a large export's worker processes run this program
    sys.exit(main(_arguments(sys.argv[1:])))
