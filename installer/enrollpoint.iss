; Inno Setup 6 script for the Windows build of EnrollPoint.
; Build the one-folder bundle first (installer\README.md), then:
;     iscc /DAppVersion=0.1.0 installer\enrollpoint.iss
; Output: dist\EnrollPoint-Setup-<version>.exe
;
; What it does: installs per machine into Program Files\EnrollPoint (admin), Start-menu and optional
; desktop shortcuts to the windowed EnrollPoint-GUI.exe, adds nothing to PATH (the CLI is
; "C:\Program Files\EnrollPoint\enrollpoint.exe"), and never touches the data: the database, backups,
; logs and the key in Windows Credential Manager stay in the user's profile
; (%LOCALAPPDATA%\EnrollPoint) on upgrade and on uninstall.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "EnrollPoint"
#define AppPublisher "Công an xã - EnrollPoint"
#define BundleDir "..\dist\enrollpoint"

[Setup]
AppId={{6F1E8C3A-4B1D-4E57-9A0E-2A6E20260001}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\dist
OutputBaseFilename=EnrollPoint-Setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
MinVersion=10.0
WizardStyle=modern
SetupIconFile=..\assets\enrollpoint.ico
UninstallDisplayIcon={app}\EnrollPoint-GUI.exe
; Upgrades replace the program files in place; running copies are asked to close first.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "vietnamese"; MessagesFile: "compiler:Languages\Vietnamese.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
; Sending while the app is closed: `enrollpoint sync --watch` at logon (Task Scheduler). Off unless ticked; the
; watch holds a lock beside the database, so it never runs twice for one database (docs/sync.md).
Name: "autosend"; Description: "Tự gửi báo cáo lên tỉnh khi đăng nhập, cả khi ứng dụng đóng (enrollpoint sync --watch)"; Flags: unchecked

[Files]
; The whole PyInstaller one-folder bundle (two executables sharing _internal\).
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; A previous version's bundled libraries must not mix with the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\EnrollPoint-GUI.exe"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\EnrollPoint-GUI.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\enrollpoint.exe"; Parameters: "--version"; Flags: runhidden waituntilterminated; StatusMsg: "Kiểm tra cài đặt..."
Filename: "{app}\EnrollPoint-GUI.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
Filename: "{sys}\schtasks.exe"; Parameters: "/Create /F /SC ONLOGON /RL LIMITED /TN ""EnrollPoint tu gui"" /TR ""\""{app}\enrollpoint.exe\"" sync --watch"""; Flags: runhidden waituntilterminated; Tasks: autosend

[UninstallRun]
Filename: "{sys}\schtasks.exe"; Parameters: "/Delete /F /TN ""EnrollPoint tu gui"""; Flags: runhidden waituntilterminated; RunOnceId: "DeleteAutosendTask"

[UninstallDelete]
; Program files only. The commune database and its backups are personal data owned by the user:
; removing them is a deliberate act (see installer\README.md), never a side effect of uninstalling.
Type: filesandordirs; Name: "{app}\_internal"
