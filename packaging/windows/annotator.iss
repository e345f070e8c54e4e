; Inno Setup script for Annotator (Inno Setup 6.3 or newer).
;
;   iscc /DAppVersion=0.1.0 /DBundleDir=..\..\dist\annotator /DIconFile=..\..\build\icons\annotator.ico ^
;        /O..\..\dist packaging\windows\annotator.iss
;
; Per-user install without admin rights (into %LOCALAPPDATA%\Programs\Annotator), a Start
; menu entry, an optional desktop shortcut, and the .annotator file association. Projects
; live in %LOCALAPPDATA%\Annotator (platformdirs), a different folder: the uninstaller only
; removes what it installed, so the user's projects survive an uninstall or an upgrade.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\annotator"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\annotator.ico"
#endif
#define AppName "Annotator"
#define AppExe "annotator.exe"
#define ProgId "Annotator.Project"

[Setup]
; Keep AppId forever: it is how upgrades and the uninstaller find an existing install.
AppId={{6F1C3E52-8B7A-4D4B-9C1E-2A5D7F0B9E31}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Annotator developers
AppComments=Annotate news articles with entities, claims and sentiment
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; No admin rights needed: {autopf} becomes %LOCALAPPDATA%\Programs and HKA becomes HKCU.
; An administrator may still choose an all-users install in the dialog.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputBaseFilename=Annotator-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle wholesale, so no stale library from an older version stays.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Annotate news articles"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .annotator project files open in Annotator (per user when installed without admin).
Root: HKA; Subkey: "Software\Classes\.annotator"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.annotator\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Annotator project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" --project ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".annotator"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder itself; never {localappdata}\Annotator, where the projects are.
Type: dirifempty; Name: "{app}"
