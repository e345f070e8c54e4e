"""What goes into the frozen app and what stays out; shared by annotator.spec, its hooks and tests.

PyInstaller only collects the Qt modules the app imports, plus every plugin of the plugin
folders those modules use. The lists here keep out what a widgets app never needs, so the
bundle stays well under 200 MB.
"""

from __future__ import annotations

from collections.abc import Sequence

# Qt modules that must never be bundled: heavy (WebEngine, QML/Quick, 3D, Multimedia, PDF) or
# unused (QtNetwork). If the app starts importing one, tests/packaging fails and names it.
QT_EXCLUDES = (
    "PySide6.QtNetwork",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2",
    "PySide6.QtQuick3D",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel",
    "PySide6.QtWebSockets",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets",
    "PySide6.Qt3DCore",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtUiTools",
    "PySide6.QtTest",
)

# Python packages that are installed next to Annotator in a developer's venv but never used,
# and the optional export formats' libraries (the `spacy` and `datasets` extras): spaCy alone
# would more than double the bundle. The installed app names the format as unavailable.
PYTHON_EXCLUDES = (
    "spacy",
    "thinc",
    "datasets",
    "pandas",
    "pyarrow",
    "torch",
    "tkinter",
    "pytest",
    "pytestqt",
    "hypothesis",
    "mypy",
    "importlinter",
    "grimp",
    "IPython",
    "numpy",
    "PIL",
)

# Plugins and libraries (matched as lower-case substrings of the source or destination path)
# that plugin folders would drag in: the PDF and virtual-keyboard plugins pull in QtPdf and
# QtQml/QtQuick, TUIO touch pulls in QtNetwork, embedded-Linux platforms (eglfs, linuxfb, vnc,
# evdev input) serve no desktop, and Windows' software OpenGL (opengl32sw.dll, 20 MB) is only
# for OpenGL windows, which Annotator does not open. The GTK3 theme plugin goes too: it would
# bundle GLib, Cairo and Pango and load the system's GTK against them, a classic source of
# crashes in frozen apps. Wayland, X11 (xcb), offscreen, Windows and Cocoa platforms stay, as
# do the input-method plugins and the desktop-portal theme.
DROP = (
    "qtvirtualkeyboard",
    "qt6virtualkeyboard",
    "qpdf",
    "qt6pdf",
    "qtpdf.framework",
    "qt6qml",
    "qtqml",
    "qt6quick",
    "qtquick",
    "qt6network",
    "qtnetwork.framework",
    "qtuiotouch",
    "/generic/",
    "qgtk3",
    "qeglfs",
    "qt6eglfs",
    "egldeviceintegrations",
    "qlinuxfb",
    "qvnc",
    "qvkkhrdisplay",
    "qminimalegl",
    "opengl32sw",
    "qlottie",
    "/networkinformation/",
    "/tls/",
)


BABEL_LOCALES = frozenset({"root.dat", "en.dat"})


def _normalised(entry: Sequence[object]) -> str:
    return "|".join(str(part).lower().replace("\\", "/") for part in entry[:2])


def wanted(entry: Sequence[object]) -> bool:
    """False for a binary or data entry the bundle must not carry.

    Takes PyInstaller's (dest, source, kind) TOC entries and hooks' (source, dest_dir) pairs.
    """
    name = _normalised(entry)
    if any(part in name for part in DROP):
        return False
    # Babel's locale data (35 MB; courlan imports babel for URL language filters, which the
    # article import does not use): keep the root and English locales only.
    if "babel/locale-data/" in name:
        file = name.split("|", 1)[0].rsplit("/", 1)[-1]
        return file in BABEL_LOCALES
    # Qt's translations: keep qtbase_*.qm (standard dialogs); the app's own text is English.
    return not ("/translations/" in name and "qtbase_" not in name)
