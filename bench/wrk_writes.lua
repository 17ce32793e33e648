-- wrk script for bench/write_load.sh: district editors posting their figures through the
-- JSON API, each request a one-row CSV for a cell no other request writes, so that after the
-- run the store must hold exactly one value per successful request (none lost, none doubled).
--
--   wrk -t2 -c16 -d60s --latency -s bench/wrk_writes.lua http://127.0.0.1:8080 -- ACCOUNTS_FILE
--
-- ACCOUNTS_FILE: one line per district account, "token<TAB>place"; indicators LOAD-01 …
-- LOAD-NN (monthly) are given by the INDICATORS environment variable (default 10).
--
-- Cells: thread t of T takes accounts t, t+T, t+2T, …; its k-th request goes to account
-- (k mod n) of its own, indicator ((k div n) mod I) and month (k div (n·I)) counted from
-- 2001-01. Accounts are disjoint between threads and (indicator, month) distinct within an
-- account, so no two requests share a cell.
--
-- The last line is
--   WRK_WRITES requests=… ok=… non2xx=… statuses=… socket_errors=… p50_us=… p99_us=… max_us=…

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_no", counter)
  table.insert(threads, thread)
end

local accounts = {}
local k = 0
local indicators = tonumber(os.getenv("INDICATORS") or "10")
ok = 0
non2xx = 0
statuses = ""
local status_counts = {}

function init(args)
  local file = args[1]
  local nthreads = tonumber(os.getenv("THREADS") or "2")
  local i = 0
  for line in io.lines(file) do
    local token, place = line:match("^(%S+)\t(.+)$")
    if token then
      if i % nthreads == (thread_no - 1) then
        accounts[#accounts + 1] = { token = token, place = place }
      end
      i = i + 1
    end
  end
  if #accounts == 0 then
    io.stderr:write("wrk_writes.lua: no accounts for thread " .. thread_no .. "\n")
    os.exit(2)
  end
end

function request()
  local n = #accounts
  local a = accounts[(k % n) + 1]
  local cell = math.floor(k / n)
  local ind = string.format("LOAD-%02d", (cell % indicators) + 1)
  local month = math.floor(cell / indicators)
  local period = string.format("%04d-%02d", 2001 + math.floor(month / 12), month % 12 + 1)
  -- The value names the thread and the request (thread·10⁷ + k), so a value stored twice,
  -- or a request missing from a thread's sequence, shows in the count after the run.
  local value = string.format("%d", thread_no * 10000000 + k)
  k = k + 1
  local body = "指标代码,地区,期别,数值\n" .. ind .. "," .. a.place .. "," .. period .. "," .. value .. "\n"
  return wrk.format("POST", "/api/v1/observations?name=load.csv", {
    ["Authorization"] = "Bearer " .. a.token,
    ["Content-Type"] = "text/csv",
  }, body)
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    non2xx = non2xx + 1
    status_counts[status] = (status_counts[status] or 0) + 1
    local parts = {}
    for code, c in pairs(status_counts) do parts[#parts + 1] = code .. ":" .. c end
    table.sort(parts)
    statuses = table.concat(parts, ",")
  end
end

function done(summary, latency, requests)
  local good, bad, parts = 0, 0, {}
  for _, t in ipairs(threads) do
    good = good + (t:get("ok") or 0)
    bad = bad + (t:get("non2xx") or 0)
    local s = t:get("statuses") or ""
    if s ~= "" then parts[#parts + 1] = s end
  end
  local e = summary.errors
  io.write(string.format(
    "WRK_WRITES requests=%d ok=%d non2xx=%d statuses=%s socket_errors=%d timeout=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, good, bad, (#parts > 0) and table.concat(parts, ",") or "-",
    e.connect + e.read + e.write + e.timeout, e.timeout, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
