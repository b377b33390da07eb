# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# The stack's nginx renderer: turns the repository's snippets (nginx/*.conf)
# into the local stack's copies, and those copies into the extra servers that
# tools put beside the stack's (bench/run), so that every server shares the
# stack's headers, limits, buffers, timeouts and upstream settings and differs
# only where it says. Sourced after scripts/lib/common.sh.

# set_value FILE REGEX NEW: in each directive of FILE (comments skipped),
# every match of "(prefix)old" becomes prefix+NEW. A pattern that matches no
# directive means the snippet changed shape, which must fail loudly rather
# than leave a production value in place.
set_value() {
    local file=$1 re=$2 new=$3 line found=0 lines=()
    while IFS= read -r line; do
        if [[ ! $line =~ ^[[:space:]]*# && $line =~ $re ]]; then
            line=${line//"${BASH_REMATCH[0]}"/"${BASH_REMATCH[1]}$new"}
            found=1
        fi
        lines+=("$line")
    done <"$file"
    ((found)) || die "cannot render $file: no directive matches /$re/"
    printf "%s\n" "${lines[@]}" >"$file"
}

# shellcheck source=settings.sh
source "$(dirname "${BASH_SOURCE[0]}")/settings.sh"

# write_cors_origins HTTP-SNIPPET ORIGINS: nginx's copy of restd's CLIENT_URL
# (restd-deploy writes the installed one the same way, settings.sh), written
# beside the rendered restd-http.conf HTTP-SNIPPET as cors-origins.conf and
# included from there.
write_cors_origins() {
    local file
    file=$(dirname "$1")/cors-origins.conf
    cors_origins_map "$2" "${0##*/}" >"$file" || die "cannot write $file"
    set_value "$1" '(include )/etc/restd/nginx-cors-origins\.conf' "$file"
}

# nginx_site SITE OUT UPSTREAM CACHE: a copy of the site snippet SITE (the
# stack's rendered restd.conf) whose every location passes to the upstream
# UPSTREAM, with the products micro-cache on or off (CACHE).
nginx_site() {
    local out=$2
    cp "$1" "$out"
    if [[ $3 != restd ]]; then set_value "$out" '(fastcgi_pass )restd;' "$3;"; fi
    if [[ $4 == off ]]; then set_value "$out" '(fastcgi_cache )restd_cache;' "off;"; fi
}

# nginx_upstream HTTP-SNIPPET NAME SOCKET: the upstream block of the stack's
# rendered restd-http.conf (its servers' parameters, keepalive), named NAME
# and pointing at the unix socket SOCKET.
nginx_upstream() {
    local block
    block=$(sed -n '/^upstream restd {$/,/^}$/p' "$1")
    [[ -n $block ]] || die "cannot render an upstream: $1 has no 'upstream restd {' block"
    block=${block/upstream restd \{/upstream $2 \{}
    [[ $block =~ server\ (\"?unix:[^\ \;\"]+\"?) ]] || die "cannot render an upstream: no unix: server in $1"
    printf '%s\n' "${block//"${BASH_REMATCH[1]}"/\"unix:$3\"}"
}

# nginx_server PORT SITE: a plain HTTP server on 127.0.0.1:PORT, as the
# stack's own (nginx/stack.conf.in), serving the site snippet SITE (a path
# relative to the nginx configuration folder).
nginx_server() {
    printf 'server {\n    listen 127.0.0.1:%s;\n    server_name localhost;\n    include %s;\n}\n' "$1" "$2"
}
