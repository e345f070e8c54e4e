#!/bin/sh
# Screenshot of the annotated workbench under Xvfb (needs xvfb and the Qt xcb libraries).
set -eu
cd "$(dirname "$0")/.."
exec .venv/bin/python scripts/screenshot_workbench.py "$@"
