# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# restd's settings as the scripts beside it read them, the way restd itself
# does: a secret from its *_FILE variable (scripts/migrate, restd-deploy,
# scripts/seed), and nginx's copy of CLIENT_URL (restd-deploy, scripts/stack).
# Sourced, never run; defines functions only. Each prints its result on
# stdout, or a message on stderr and fails: the caller decides how to stop.
# Installed beside migrate (share/restd/scripts/lib/).

# secret_file_value NAME FILE: the content of FILE less the blanks and
# newlines that end it, as restd reads DB_PASSWORD_FILE and JWT_SECRET_FILE.
# Messages name NAME and FILE, never the content.
secret_file_value() {
    local value
    if [[ ! -f $2 || ! -r $2 ]]; then
        echo "$1: cannot read '$2'" >&2
        return 1
    fi
    value=$(<"$2")
    value=${value%"${value##*[!$' \t\r\n']}"}
    if [[ -z $value ]]; then
        echo "$1 '$2' is empty" >&2
        return 1
    fi
    printf '%s' "$value"
}

# db_password_setting PASSWORD PASSWORD_FILE: the database password from the
# values of DB_PASSWORD and DB_PASSWORD_FILE, which exclude each other.
db_password_setting() {
    if [[ -z $2 ]]; then
        printf '%s' "$1"
    elif [[ -n $1 ]]; then
        echo "DB_PASSWORD and DB_PASSWORD_FILE are both set: set one of them" >&2
        return 1
    else
        secret_file_value DB_PASSWORD_FILE "$2"
    fi
}

# cors_origins_map CLIENT_URL WRITER: nginx's copy of restd's CLIENT_URL, the
# lines of restd-http.conf's map $http_origin $restd_cors_allowed: each
# origin, trimmed as restd trims it (blanks, trailing slashes), as an
# anchored case-sensitive regex with its metacharacters escaped. WRITER
# goes into the header comment. Fails on an origin nginx could not list
# safely, or on a list with none (restd refuses that too).
cors_origins_map() {
    local origin items=() lines=() re='^[A-Za-z][A-Za-z0-9+.-]*://[][A-Za-z0-9.:_~+-]+$'
    IFS=, read -ra items <<<"$1"
    for origin in "${items[@]}"; do
        origin=${origin#"${origin%%[! ]*}"}
        origin=${origin%"${origin##*[! ]}"}
        while [[ $origin == */ ]]; do origin=${origin%/}; done
        [[ -n $origin ]] || continue
        if [[ ! $origin =~ $re ]]; then
            echo "CLIENT_URL: '$origin' is not an origin nginx can list (scheme://host[:port])" >&2
            return 1
        fi
        origin=${origin//./\\.}
        origin=${origin//+/\\+}
        origin=${origin//\[/\\[}
        origin=${origin//\]/\\]}
        lines+=("\"~^$origin\$\" 1;")
    done
    if ((${#lines[@]} == 0)); then
        echo "CLIENT_URL lists no origin" >&2
        return 1
    fi
    echo "# SPDX-License-Identifier: Apache-2.0"
    echo "# Written by $2 from CLIENT_URL: the origins whose browser apps may read"
    echo "# nginx's own errors (restd-http.conf). Do not edit: change CLIENT_URL."
    printf '%s\n' "${lines[@]}"
}
