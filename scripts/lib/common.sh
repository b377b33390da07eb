# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# Helpers shared by the repository's scripts (scripts/stack, bench/run,
# scripts/seed, scripts/lint, scripts/db-cluster): messages, processes and
# process groups, process records, ports, waiting, env files, and MariaDB
# servers and their administration. Sourced, never run; defines functions and
# the variables below, and changes no shell option.
#
# Set by the script that sources it (after `source`):
log_prefix=${log_prefix:-${0##*/}} # messages start with "$log_prefix: "
say_fd=${say_fd:-1}                # say writes here (2 when stdout carries a result)
db_socket=${db_socket:-}           # the MariaDB server db_admin talks to
run_dir=${run_dir:-}               # where process records (and short sockets) go
env_file=${env_file:-}             # the KEY=value file set_env_value updates

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

# Process records. A pid file can outlive its process (crash, reboot) and the
# pid go to a stranger, so $run_dir/<name>.id holds "pid start-time boot-id"
# and a process counts as ours only while all three match.

boot_id=$(cat /proc/sys/kernel/random/boot_id)

remember() { # name pid
    echo "$2 $(proc_start_time "$2") $boot_id" >"$run_dir/$1.id"
}

read_id() { # name -> sets id_pid and id_start from this boot's record
    local boot
    id_pid='' id_start=''
    [[ -f $run_dir/$1.id ]] || return 1
    read -r id_pid id_start boot <"$run_dir/$1.id" || true
    [[ -n $id_pid && $boot == "$boot_id" ]]
}

is_running() { # name -> succeeds (id_pid set) while it runs
    read_id "$1" && [[ $(proc_start_time "$id_pid") == "$id_start" ]]
}

# stop_component NAME SECONDS STOP-FUNCTION: stops a recorded process with
# its polite stop function (called with the pid), then SIGKILLs its process
# group (each leads its own, see start_group: workers included).
stop_component() {
    local name=$1 seconds=$2 stop=$3 pid start
    if is_running "$name"; then
        pid=$id_pid start=$id_start
        "$stop" "$pid" || true
        if ! wait_gone "$pid" "$start" "$seconds"; then
            warn "$name (pid $pid) still runs after ${seconds}s: killing it"
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
            wait_gone "$pid" "$start" 5 || warn "$name (pid $pid) survived SIGKILL"
        fi
        say "$name stopped"
    fi
    # Workers of a leader that crashed earlier are still in its group.
    if read_id "$name" && group_alive "$id_pid"; then
        warn "killing leftover $name processes (group $id_pid)"
        kill -KILL -- "-$id_pid" 2>/dev/null || true
    fi
    rm -f "$run_dir/$name.id"
}

# sun_path holds 107 bytes. When $run_dir is too deep for a socket named up
# to 11 characters they go to a short private folder under /tmp, recorded in
# $run_dir/sock-dir; remove_socket_dir removes it.
socket_dir() {
    local dir
    if ((${#run_dir} + 12 <= 107)); then # 12: "/mysqld.sock"
        echo "$run_dir"
        return
    fi
    dir=$(cat "$run_dir/sock-dir" 2>/dev/null || true)
    if [[ -z $dir || ! -d $dir || ! -O $dir ]]; then
        dir=$(mktemp -d /tmp/restd-stack.XXXXXX)
        echo "$dir" >"$run_dir/sock-dir"
    fi
    echo "$dir"
}

remove_socket_dir() {
    local dir
    dir=$(cat "$run_dir/sock-dir" 2>/dev/null || true)
    [[ $dir == /tmp/restd-stack.* ]] && rm -rf -- "$dir"
    rm -f "$run_dir/sock-dir"
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
# Env files (stack.env, cluster.env): shell KEY=value lines, sourced by tools.

env_quote() { # single-quoted unless plainly safe
    if [[ $1 =~ ^[A-Za-z0-9_./:@%+,=-]*$ ]]; then
        printf '%s' "$1"
    else
        printf "'%s'" "${1//\'/\'\\\'\'}"
    fi
}

set_env_value() { # key value: updates $env_file when there is one (numbers only)
    [[ -f $env_file ]] || return 0
    sed -i "s/^$1=.*/$1=$2/" "$env_file"
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
# MariaDB servers. The admin account is the OS user itself, authenticated by
# unix_socket: no admin password to keep anywhere.

# mariadb_install DATADIR LOG: a new data folder, unless DATADIR already holds
# one. The marker is written last, so a half-done initialisation is redone.
mariadb_install() {
    local data=$1 log=$2
    [[ -f $data/.restd-initialized ]] && return
    rm -rf "$data"
    mkdir -p "$data"
    local args=(--no-defaults --datadir="$data" --skip-test-db
        --auth-root-authentication-method=socket)
    # root@localhost always exists; a non-root developer gets an admin account of their own.
    if is_root; then args+=(--user=root); else args+=(--auth-root-socket-user="$(id -un)"); fi
    mariadb-install-db "${args[@]}" >>"$log" 2>&1 || {
        tail -n 30 "$log" >&2
        die "mariadb-install-db failed (log: $log)"
    }
    touch "$data/.restd-initialized"
}

db_ping() { # succeeds when the server on $db_socket answers its admin
    mariadb-admin --no-defaults --socket="$db_socket" --user="$(id -un)" \
        --connect-timeout=1 ping >/dev/null 2>&1
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

# db_grant DATABASE USER [PASSWORD [HOST...]]: every privilege on DATABASE
# to USER at each HOST (default localhost); with a password, the user is
# created or its password reset.
db_grant() {
    local db=$1 user=$2 pw='' host sql=''
    (($# > 2)) && pw=$(sql_quote "$3")
    local hosts=("${@:4}")
    ((${#hosts[@]})) || hosts=(localhost)
    for host in "${hosts[@]}"; do
        [[ -z $pw ]] || sql+="CREATE USER IF NOT EXISTS '$user'@'$host' IDENTIFIED BY $pw;
ALTER USER '$user'@'$host' IDENTIFIED BY $pw;
"
        sql+="GRANT ALL PRIVILEGES ON $db.* TO '$user'@'$host';
"
    done
    db_admin <<<"$sql"
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
