# Replaces PyInstaller's hook for PySide6.QtGui: the same Qt libraries and plugins, minus the
# plugins listed in packaging/bundle_config.py, dropped *before* PyInstaller resolves their
# dependencies (so the GTK theme plugin, for one, no longer drags GLib, Cairo and Pango along).
import os
import sys

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bundle_config import wanted

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [entry for entry in binaries if wanted(entry)]
datas = [entry for entry in datas if wanted(entry)]
