#!/usr/bin/env bash
# 每晚运行一次考核（cron 或 systemd 定时器调用）。用法：kaohe-nightly.sh 考核文件夹 [kaohe 命令的路径]
# - 输出写入 考核文件夹/.kaohe/logs/nightly-YYYYMMDD.log，保留 30 天；
# - 退出码与 kaohe 相同：0 成功，1 报表有错误，2 方案或文件夹有错误（含“另一个 kaohe 正在处理该考核文件夹”），3 内部错误；
# - 两个定时任务重叠时，后启动的一个因运行锁立即退出（退出码 2），不会同时写同一个文件夹。
set -u
folder="${1:?用法：kaohe-nightly.sh 考核文件夹 [kaohe 命令的路径]}"
kaohe="${2:-kaohe}"
logs="$folder/.kaohe/logs"
mkdir -p "$logs" || exit 2
log="$logs/nightly-$(date +%Y%m%d).log"
find "$logs" -name 'nightly-*.log' -mtime +30 -delete 2>/dev/null
{
    echo "== $(date '+%Y-%m-%d %H:%M:%S') kaohe run --quiet $folder"
    "$kaohe" run --quiet "$folder"
    code=$?
    echo "== 退出码 $code"
} >>"$log" 2>&1
exit "${code:-3}"
