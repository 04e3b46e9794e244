; Included by electron-builder's NSIS installer (electron-builder.yml nsis.include).
; `CallRelay-Setup.exe /S /POLICY=C:\path\policy.json` places the given policy file where
; CallRelay reads it when the registry has none: %ProgramData%\CallRelay\policy.json.
; ProgramData's default permissions let every account read it and only administrators change it.
!include "FileFunc.nsh"

!macro customInstall
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/POLICY=" $R1
  ${IfNot} ${Errors}
    ${If} ${FileExists} "$R1"
      SetShellVarContext all
      CreateDirectory "$APPDATA\CallRelay"
      CopyFiles /SILENT "$R1" "$APPDATA\CallRelay\policy.json"
      DetailPrint "Policy copied to $APPDATA\CallRelay\policy.json"
    ${Else}
      DetailPrint "Policy file $R1 not found; installed without a policy"
      SetErrorLevel 2
    ${EndIf}
  ${EndIf}
!macroend
