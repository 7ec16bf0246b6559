-- wrk script for bench/run.py: method, headers and body from the environment; `{n}` in the body becomes a
-- per-request counter (after the run's id), so that each POST creates a new resource with a unique name.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY") or ""
local headers = {}
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then headers[name] = value end
end
local run = os.getenv("BENCH_RUN") or "0"  -- unique per wrk run, so that names never repeat across runs
local counter = 0

request = function()
  if body == "" then
    return wrk.format(method, nil, headers, nil)
  end
  counter = counter + 1
  return wrk.format(method, nil, headers, (body:gsub("{n}", run .. "-" .. tostring(counter))))
end
