; Inno Setup 6 script: a per-user installer for the Windows one-folder bundle.
; packaging/build_bundle.py runs: ISCC /DAppVersion=X /DBundleDir=PATH /DIconFile=ICO /DOutputDir=PATH this file
; No administrator is needed; nothing is written outside the user's profile; the data folder
; (%LOCALAPPDATA%\likeness-guard) is left alone on uninstall, as the README says: deleting it
; is the user's choice, from Settings → "Delete all my data" or by hand.

#ifndef AppVersion
  #error Pass /DAppVersion=...
#endif
#ifndef BundleDir
  #error Pass /DBundleDir=... (the PyInstaller output folder)
#endif
#ifndef IconFile
  #error Pass /DIconFile=... (build/assets/likeness-guard.ico, from platform_assets.py)
#endif
#ifndef OutputDir
  #define OutputDir "."
#endif

[Setup]
AppId={{6C1B6E1E-4E7A-4E0B-9B1C-3D7C2A51F0A7}
AppName=Likeness Guard
AppVersion={#AppVersion}
AppPublisher=Likeness Guard contributors
DefaultDirName={localappdata}\Programs\Likeness Guard
DefaultGroupName=Likeness Guard
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=likeness-guard-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\likeness-guard-gui.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
DisableProgramGroupPage=yes

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{userprograms}\Likeness Guard"; Filename: "{app}\likeness-guard-gui.exe"
Name: "{userdesktop}\Likeness Guard"; Filename: "{app}\likeness-guard-gui.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Put a shortcut on the desktop"; Flags: unchecked

[Run]
Filename: "{app}\likeness-guard-gui.exe"; Description: "Open Likeness Guard now"; Flags: postinstall nowait skipifsilent
