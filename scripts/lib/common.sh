# shellcheck shell=bash
# Helpers shared by the repository's scripts (scripts/stack, bench/run,
# scripts/seed, scripts/lint): messages, processes and process groups, ports,
# waiting, and MariaDB administration. Sourced, never run; defines functions
# and the variables below, and changes no shell option.
#
# Set by the script that sources it (after `source`):
log_prefix=${log_prefix:-${0##*/}} # messages start with "$log_prefix: "
say_fd=${say_fd:-1}                # say writes here (2 when stdout carries a result)
db_socket=${db_socket:-}           # the MariaDB server db_admin talks to

# ---------------------------------------------------------------------------
# Messages

say() { echo "$log_prefix: $*" >&"$say_fd"; }
warn() { echo "$log_prefix: $*" >&2; }
die() { warn "$*"; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }

check_count() { [[ $2 =~ ^[0-9]+$ ]] || die "$1 must be a number, got '$2'"; }

# ---------------------------------------------------------------------------
# Processes. A pid alone can go to a stranger once its process is gone; a pid
# with its start time cannot.

proc_start_time() { # pid -> its start time; fails for a gone or zombie process
    local stat fields
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    read -ra fields <<<"${stat##*) }" # the fields after "(comm) "; comm may hold spaces
    [[ ${fields[0]} != Z ]] || return 1
    echo "${fields[19]}"
}

alive() { proc_start_time "$1" >/dev/null; } # pid -> succeeds while it runs (not a zombie)

wait_gone() { # pid start-time seconds -> succeeds once that process is gone
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        [[ $(proc_start_time "$1") == "$2" ]] || return 0
        sleep 0.1
    done
    return 1
}

group_alive() { # pgid -> succeeds while a live (non-zombie) process is in that group
    ps -eo pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# start_group LOG COMMAND...: COMMAND in the background as the leader of a new
# process group (so the group can be stopped whole), stdin closed, output
# appended to LOG, without fd 9 (a lock the script may hold). Sets
# started_pid (= its pgid) and adds it to started_groups.
started_groups=()
start_group() {
    local log=$1
    shift
    setsid "$@" >>"$log" 2>&1 </dev/null 9>&- &
    started_pid=$!
    started_groups+=("$started_pid")
}

# stop_groups SECONDS PGID...: SIGTERM to every group, then SIGKILL to those
# that still have a live process after SECONDS.
stop_groups() {
    local seconds=$1 pgid i
    shift
    for pgid in "$@"; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
    for pgid in "$@"; do
        for ((i = 0; i < seconds * 10; i++)); do
            group_alive "$pgid" || continue 2
            sleep 0.1
        done
        kill -KILL -- "-$pgid" 2>/dev/null || true
    done
}

# wait_for SECONDS PID CHECK...: runs CHECK every 0.1 s until it succeeds.
# Fails after SECONDS, or as soon as PID (unless empty) no longer runs.
wait_for() {
    local n=$(($1 * 10)) pid=$2 i
    shift 2
    for ((i = 0; i < n; i++)); do
        "$@" && return 0
        [[ -z $pid ]] || alive "$pid" || return 1
        sleep 0.1
    done
    return 1
}

# http_status_is URL STATUS: one GET (no proxy, any certificate); succeeds
# when it answers STATUS, or anything at all for STATUS "any". Sets http_code
# (000: no answer).
http_status_is() {
    http_code=$(curl -sk --noproxy '*' -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true)
    [[ $http_code == "$2" || ($2 == any && $http_code != 000) ]]
}

# ---------------------------------------------------------------------------
# Ports

port_free() { [[ -z $(ss -Hltn "sport = :$1") ]]; }

# pick_port [PORT...]: a free TCP port other than those given, from 20000 up
# to the kernel's ephemeral range (in it, a busy machine's outgoing
# connections can take a port that looked free a moment ago).
pick_port() {
    local p i low taken=" $* "
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range
    ((low > 21000)) || low=61000
    for ((i = 0; i < 100; i++)); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % (low - 20000)))
        [[ $taken != *" $p "* ]] && port_free "$p" && echo "$p" && return
    done
    die "found no free port"
}

# ---------------------------------------------------------------------------
# MariaDB administration, as the OS user's own admin account on $db_socket
# (unix_socket authentication: no admin password anywhere).

db_admin() { # SQL on stdin or -e
    mariadb --no-defaults --socket="$db_socket" --user="$(id -un)" --batch --skip-column-names "$@"
}

sql_quote() { # a value as an SQL string literal (backslashes and quotes escaped)
    local s=${1//\\/\\\\}
    printf "'%s'" "${s//\'/\\\'}"
}

db_create() { # name: the database, when missing, in restd's character set
    db_admin -e "CREATE DATABASE IF NOT EXISTS $1 CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci;"
}

# db_grant DATABASE USER [PASSWORD]: every privilege on DATABASE to
# USER@localhost; with a password, the user is created or its password reset.
db_grant() {
    local sql=''
    if (($# > 2)); then
        local pw
        pw=$(sql_quote "$3")
        sql="CREATE USER IF NOT EXISTS '$2'@'localhost' IDENTIFIED BY $pw;
ALTER USER '$2'@'localhost' IDENTIFIED BY $pw;"
    fi
    db_admin <<<"$sql
GRANT ALL PRIVILEGES ON $1.* TO '$2'@'localhost';"
}

# hash_password RESTD_BIN PASSWORD: restd's own bcrypt hash of PASSWORD, at
# the BCRYPT_COST of the environment (else restd's default); dies unless it
# is one.
hash_password() {
    local hash
    hash=$(printf '%s' "$2" | env -u RESTD_ENV_FILE "$1" --hash-password) ||
        die "$1 --hash-password failed"
    [[ $hash =~ ^\$2[aby]\$[0-9]{2}\$[./A-Za-z0-9]{53}$ ]] ||
        die "$1 --hash-password printed no bcrypt hash: '$hash'"
    echo "$hash"
}
