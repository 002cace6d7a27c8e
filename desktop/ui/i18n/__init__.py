"""Translations of the interface: the .ts source and the compiled .qm of each language, and `catalog`,
which updates the .ts from the code with `pyside6-lupdate` and compiles it with `pyside6-lrelease`; and `qt_strings`, the Vietnamese of the strings Qt itself draws
(standard buttons, the Qt-drawn file and print dialogs), compiled into `qtbase_vi.qm`."""
