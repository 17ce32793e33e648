-- wrk script for bench/load.sh: rotates requests over several URLs of one endpoint so that
-- caches see more than one URL, counts non-2xx responses, and prints one machine-readable
-- summary line.
--
--   wrk -t2 -c64 -d30s --latency -s bench/wrk_paths.lua http://127.0.0.1:8080 -- MODE [ID...]
--
-- MODE: plan    GET /plans/{id}              (rotating over the IDs)
--       xlsx    GET /plans/{id}/tasks.xlsx   (rotating over the IDs)
--       search  GET /api/v1/search?q=…       (rotating over the queries below, or over the
--                                            remaining arguments when given)
--       paths   the remaining arguments are paths, used as they are
--
-- The last line of the output is
--   WRK_SUMMARY mode=… requests=… duration_us=… rps=… p50_us=… p90_us=… p99_us=… max_us=…
--               socket_errors=… connect=… read=… write=… timeout=… non2xx=… statuses=… bytes=…
-- (wrk's own "Non-2xx or 3xx responses" line counts the same responses as non2xx.)

local queries = { "人工智能", "集成电路", "氢能", "新型储能", "科技创新", "積體電路" }

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

-- ---- main thread: one entry per worker thread, read back in done() ----------------------
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_no", counter)
  table.insert(threads, thread)
end

-- ---- worker threads -------------------------------------------------------------------
local paths = {}
local next_index = 1
mode = "paths"
non2xx = 0
statuses = ""   -- "404:3,500:1" — tables cannot cross threads, strings can
local status_counts = {}

function init(args)
  mode = args[1] or "paths"
  local rest = {}
  for i = 2, #args do rest[#rest + 1] = args[i] end
  if mode == "plan" then
    for _, id in ipairs(rest) do paths[#paths + 1] = "/plans/" .. urlencode(id) end
  elseif mode == "xlsx" then
    for _, id in ipairs(rest) do paths[#paths + 1] = "/plans/" .. urlencode(id) .. "/tasks.xlsx" end
  elseif mode == "search" then
    local qs = (#rest > 0) and rest or queries
    for _, q in ipairs(qs) do paths[#paths + 1] = "/api/v1/search?q=" .. urlencode(q) end
  else
    for _, p in ipairs(rest) do paths[#paths + 1] = p end
  end
  if #paths == 0 then
    io.stderr:write("wrk_paths.lua: no URLs for mode '" .. mode .. "' (give plan ids or paths after --)\n")
    os.exit(2)
  end
  -- Threads start at different places of the rotation.
  next_index = ((thread_no or 1) - 1) % #paths + 1
end

function request()
  local path = paths[next_index]
  next_index = next_index % #paths + 1
  -- As every browser does; endpoints that do not compress ignore it.
  return wrk.format("GET", path, { ["Accept-Encoding"] = "gzip, deflate, br" })
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    status_counts[status] = (status_counts[status] or 0) + 1
    local parts = {}
    for code, n in pairs(status_counts) do parts[#parts + 1] = code .. ":" .. n end
    table.sort(parts)
    statuses = table.concat(parts, ",")
  end
end

-- ---- main thread, after the run ---------------------------------------------------------
function done(summary, latency, requests)
  local bad, urls, modes = 0, 0, "?"
  local by_status = {}
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    modes = t:get("mode") or modes
    local s = t:get("statuses") or ""
    for code, n in s:gmatch("(%d+):(%d+)") do
      by_status[code] = (by_status[code] or 0) + tonumber(n)
    end
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  local secs = summary.duration / 1e6
  local parts = {}
  for code, n in pairs(by_status) do parts[#parts + 1] = code .. ":" .. n end
  table.sort(parts)
  io.write(string.format(
    "WRK_SUMMARY mode=%s requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "socket_errors=%d connect=%d read=%d write=%d timeout=%d non2xx=%d statuses=%s bytes=%d\n",
    modes, summary.requests, summary.duration, summary.requests / secs,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    socket, e.connect, e.read, e.write, e.timeout, bad,
    (#parts > 0) and table.concat(parts, ",") or "-", summary.bytes))
end
