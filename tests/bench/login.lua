-- W4 of `make bench`: logins through the login page, as browsers make them. Each login is two
-- requests on a connection: the login form (GET, for a fresh CSRF token), then the form posted with
-- the right password (POST), whose answer must be the 302 to the profile. Tokens from the forms wait
-- in a queue until a connection posts one; all of them belong to the one csrftoken cookie sent with
-- every request, set by tests/bench/bench.py through these globals:
--   CSRF_SECRET, EMAIL, PASSWORD, ORIGIN
local tokens = {}
logins, refused, bad_forms = 0, 0, 0  -- globals: done() reads them with thread:get()
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

local function urlencode(text)
    return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
    local token = table.remove(tokens)
    local headers = {["Cookie"] = "csrftoken=" .. CSRF_SECRET}
    if token == nil then
        return wrk.format("GET", "/accounts/login/", headers)
    end
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Origin"] = ORIGIN
    headers["Referer"] = ORIGIN .. "/accounts/login/"
    local body = "csrfmiddlewaretoken=" .. urlencode(token) .. "&email=" .. urlencode(EMAIL) ..
                 "&password=" .. urlencode(PASSWORD)
    return wrk.format("POST", "/accounts/login/", headers, body)
end

function response(status, headers, body)
    local token = body and body:match('name="csrfmiddlewaretoken" value="([^"]+)"')
    if token then
        if status == 200 then table.insert(tokens, token) else bad_forms = bad_forms + 1 end
        return
    end
    logins = logins + 1
    if status ~= 302 or not (headers["Location"] or ""):find("/accounts/profile/", 1, true) then
        refused = refused + 1
    end
end

function done(summary, latency, requests)
    local total_logins, total_refused, total_bad = 0, 0, 0
    for _, thread in ipairs(threads) do
        total_logins = total_logins + thread:get("logins")
        total_refused = total_refused + thread:get("refused")
        total_bad = total_bad + thread:get("bad_forms")
    end
    io.write(string.format("LOGINS %d REFUSED %d BAD_FORMS %d SECONDS %.3f\n", total_logins, total_refused,
                           total_bad, summary.duration / 1e6))
end
