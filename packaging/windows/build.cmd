@echo off
rem Berth's Windows installer (.msi). Needs a JDK 17+ (jpackage) and the WiX Toolset 3.x on PATH.
rem Run from the repository root after "mvn -B package -DskipTests". Not buildable on the Linux CI.
set VERSION=0.1.0
mkdir target\packaging\input
copy target\berth.jar target\packaging\input\
jpackage --type msi --dest target\packaging --name Berth --app-version %VERSION% ^
  --vendor Berth --description "Desktop virtual machine manager" ^
  --input target\packaging\input --main-jar berth.jar --main-class dev.berth.Main ^
  --add-modules java.base,java.desktop,java.logging,java.management,java.scripting,java.sql,java.xml,jdk.jfr,jdk.unsupported ^
  --jlink-options "--strip-debug --no-header-files --no-man-pages" ^
  --icon packaging\windows\berth.ico ^
  --add-launcher berth=packaging\windows\berth-cli.properties ^
  --win-menu --win-menu-group Berth --win-shortcut --win-dir-chooser ^
  --license-file resources\NOTICE
