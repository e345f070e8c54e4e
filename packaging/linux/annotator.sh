#!/bin/sh
# Launcher installed as /usr/bin/annotator: runs the bundled app in /usr/lib/annotator.
exec /usr/lib/annotator/annotator "$@"
