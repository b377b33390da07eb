-- SPDX-License-Identifier: Apache-2.0
-- wrk script of bench/run: every request of one run has the same shape,
-- described by the environment, so one script drives every scenario.
--
--   BENCH_METHOD   GET (default), POST, ...
--   BENCH_PATH     path and query; "{id}" in it becomes a random whole number
--                  in BENCH_ID_MIN..BENCH_ID_MAX for each request
--   BENCH_TOKEN    bearer token (no Authorization header when empty)
--   BENCH_BODY     request body, sent as application/json when set
--
-- done() prints one line for bench/run:
--   BENCH_RESULT <requests> <req/s> <p50 ms> <p99 ms> <socket errors> <HTTP >= 400>

local method, path, headers, body, lo, hi, fixed
local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("thread_no", threads)
end

function init(args)
    -- Each thread its own random sequence.
    math.randomseed(os.time() * 1000 + (thread_no or 0))
    method = os.getenv("BENCH_METHOD") or "GET"
    path = os.getenv("BENCH_PATH") or "/"
    body = os.getenv("BENCH_BODY")
    if body == "" then body = nil end
    headers = {}
    local token = os.getenv("BENCH_TOKEN") or ""
    if token ~= "" then headers["Authorization"] = "Bearer " .. token end
    if body then headers["Content-Type"] = "application/json" end
    lo = tonumber(os.getenv("BENCH_ID_MIN") or "1")
    hi = tonumber(os.getenv("BENCH_ID_MAX") or "1")
    -- A request without "{id}" is formatted once and reused.
    if not path:find("{id}", 1, true) then fixed = wrk.format(method, path, headers, body) end
end

function request()
    if fixed then return fixed end
    local p = path:gsub("{id}", tostring(math.random(lo, hi)))
    return wrk.format(method, p, headers, body)
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("BENCH_RESULT %d %.1f %.3f %.3f %d %d\n",
        summary.requests, summary.requests / summary.duration * 1e6,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        e.connect + e.read + e.write + e.timeout, e.status))
end
