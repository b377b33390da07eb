-- SPDX-License-Identifier: Apache-2.0
-- wrk script of tests/soak/run: a steady mix of what clients do, in fixed
-- shares, from every connection:
--
--   240‰ GET  /api/v1/products/{id}               anonymous, a seeded product
--   140‰ GET  /api/v1/products?page=P&limit=20    anonymous, P in 1..50
--   150‰ GET  /api/v1/posts?limit=20&cursor=...   the user; each thread walks the
--                                                  list by nextCursor, then starts over
--   140‰ GET  /api/v1/users/{id}                  the user, a seeded user
--    50‰ GET  /api/v1/users?search=seed1&limit=20 the user
--   130‰ POST /api/v1/posts                       the user, a new post titled <mark>-...
--    60‰ POST /api/v1/products                    the admin, a new product <mark>-...
--     2‰ POST /api/v1/auth/login                  the user (a bcrypt check: kept rare,
--                                                  or it alone would fill the CPU)
--    88‰ GET  /api/v1/auth/me                     the user
--
-- Every write carries a marker unique to its thread and sequence number, so
-- that the rows can be counted against the 201s afterwards.
--
-- Environment: SOAK_USER_TOKEN, SOAK_ADMIN_TOKEN, SOAK_USER_EMAIL,
-- SOAK_USER_PASSWORD, SOAK_MARK, SOAK_PRODUCT_MIN/MAX, SOAK_USER_MIN/MAX.
--
-- done() prints one line for tests/soak/run:
--   SOAK_RESULT requests=N posts_acked=N products_acked=N logins_shed=N socket_errors=N p50_ms=X p99_ms=X statuses=200:N,201:N,...

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("thread_no", #threads)
end

local user_headers, admin_headers, anon_headers
local mark, seq, cursor
local product_lo, product_hi, user_lo, user_hi, login_body
-- Counted here, read by done() through thread:get: the acknowledged writes,
-- and each status as a global status_<code>.
posts_acked = 0
products_acked = 0
-- Logins the bcrypt gate shed (503 + Retry-After, "busy checking passwords"):
-- by design when the CPU is saturated, as wrk makes it here.
logins_shed = 0

local function env_number(name)
    local v = tonumber(os.getenv(name) or "")
    if not v then error("tests/soak/mix.lua: " .. name .. " is not set") end
    return v
end

function init(args)
    math.randomseed(os.time() * 1000 + thread_no)
    mark = (os.getenv("SOAK_MARK") or "SOAK") .. "-" .. thread_no .. "-"
    seq = 0
    product_lo, product_hi = env_number("SOAK_PRODUCT_MIN"), env_number("SOAK_PRODUCT_MAX")
    user_lo, user_hi = env_number("SOAK_USER_MIN"), env_number("SOAK_USER_MAX")
    anon_headers = {}
    user_headers = { ["Authorization"] = "Bearer " .. os.getenv("SOAK_USER_TOKEN"),
                     ["Content-Type"] = "application/json" }
    admin_headers = { ["Authorization"] = "Bearer " .. os.getenv("SOAK_ADMIN_TOKEN"),
                      ["Content-Type"] = "application/json" }
    login_body = string.format('{"email":"%s","password":"%s"}',
        os.getenv("SOAK_USER_EMAIL"), os.getenv("SOAK_USER_PASSWORD"))
end

function request()
    local r = math.random(1000)
    if r <= 240 then
        return wrk.format("GET", "/api/v1/products/" .. math.random(product_lo, product_hi), anon_headers)
    elseif r <= 380 then
        return wrk.format("GET", "/api/v1/products?page=" .. math.random(50) .. "&limit=20", anon_headers)
    elseif r <= 530 then
        local path = "/api/v1/posts?limit=20"
        if cursor then path = path .. "&cursor=" .. cursor end
        return wrk.format("GET", path, user_headers)
    elseif r <= 670 then
        return wrk.format("GET", "/api/v1/users/" .. math.random(user_lo, user_hi), user_headers)
    elseif r <= 720 then
        return wrk.format("GET", "/api/v1/users?search=seed1&limit=20", user_headers)
    elseif r <= 850 then
        seq = seq + 1
        return wrk.format("POST", "/api/v1/posts", user_headers, string.format(
            '{"title":"%s%d","body":"A post of the soak run.","published":true}', mark, seq))
    elseif r <= 910 then
        seq = seq + 1
        return wrk.format("POST", "/api/v1/products", admin_headers, string.format(
            '{"sku":"%s%d","name":"Soak product %d","priceCents":1999,"stock":5}', mark, seq, seq))
    elseif r <= 912 then
        return wrk.format("POST", "/api/v1/auth/login", { ["Content-Type"] = "application/json" }, login_body)
    else
        return wrk.format("GET", "/api/v1/auth/me", user_headers)
    end
end

function response(status, headers, body)
    local key = "status_" .. status
    _G[key] = (_G[key] or 0) + 1
    if status == 201 then
        -- A 201 is a post or a product: a product's body has its sku.
        if body:find('"sku":', 1, true) then
            products_acked = products_acked + 1
        else
            posts_acked = posts_acked + 1
        end
    elseif status == 503 and body:find("checking passwords", 1, true) then
        logins_shed = logins_shed + 1
    elseif status == 200 and body:find('"nextCursor"', 1, true) and body:find('"authorId"', 1, true) then
        -- A page of posts: follow it, or start over after the last one.
        cursor = body:match('"nextCursor":"([^"]+)"')
    end
end

function done(summary, latency, requests)
    local posts, products, shed = 0, 0, 0
    local parts = {}
    for _, t in ipairs(threads) do
        posts = posts + t:get("posts_acked")
        products = products + t:get("products_acked")
        shed = shed + t:get("logins_shed")
    end
    for code = 100, 599 do
        local n = 0
        for _, t in ipairs(threads) do n = n + (t:get("status_" .. code) or 0) end
        if n > 0 then table.insert(parts, code .. ":" .. n) end
    end
    local e = summary.errors
    io.write(string.format(
        "SOAK_RESULT requests=%d posts_acked=%d products_acked=%d logins_shed=%d socket_errors=%d p50_ms=%.1f p99_ms=%.1f statuses=%s\n",
        summary.requests, posts, products, shed, e.connect + e.read + e.write + e.timeout,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, table.concat(parts, ",")))
end
