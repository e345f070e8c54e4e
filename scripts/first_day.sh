#!/bin/sh
# An analyst's first day, driven through the real window under Xvfb; screenshots go to
# the folder given (default shots/first_day/). Needs xvfb and the Qt xcb libraries.
set -eu
cd "$(dirname "$0")/.."
exec .venv/bin/python scripts/first_day.py "$@"
