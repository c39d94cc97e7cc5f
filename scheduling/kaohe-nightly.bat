@echo off
rem Windows 任务计划程序调用：kaohe-nightly.bat 考核文件夹
rem 输出写入 考核文件夹\.kaohe\logs\nightly.log；退出码与 kaohe 相同（重叠运行时后一个因运行锁退出，退出码 2）。
chcp 65001 >nul
set "FOLDER=%~1"
if "%FOLDER%"=="" (echo 用法：kaohe-nightly.bat 考核文件夹 & exit /b 2)
if not exist "%FOLDER%\.kaohe\logs" mkdir "%FOLDER%\.kaohe\logs"
echo == %DATE% %TIME% kaohe run --quiet "%FOLDER%" >> "%FOLDER%\.kaohe\logs\nightly.log"
"%~dp0..\.venv\Scripts\kaohe.exe" run --quiet "%FOLDER%" >> "%FOLDER%\.kaohe\logs\nightly.log" 2>&1
set CODE=%ERRORLEVEL%
echo == 退出码 %CODE% >> "%FOLDER%\.kaohe\logs\nightly.log"
exit /b %CODE%
