-- wrk script: provider report submissions, each with its own Idempotency-Key and its own
-- (commission, day), signed by the commission's provider. bench/run.py writes the targets file:
-- one "commission_id token" pair per line.
local targets = {}
local thread_index = 0
local counter = 0
local threads = 1

function setup(thread)
  thread:set("thread_index", thread_index)
  thread_index = thread_index + 1
end

function init(args)
  threads = tonumber(args[1]) or 1
  for line in io.lines(os.getenv("BENCH_TARGETS")) do
    local commission, token = line:match("(%S+)%s+(%S+)")
    table.insert(targets, { commission = commission, token = token })
  end
end

local function day(n)
  -- 61 free days per commission: November and December 2026.
  local month, dom = 11, n + 1
  if n >= 30 then month, dom = 12, n - 29 end
  return string.format("2026-%02d-%02d", month, dom)
end

function request()
  local index = counter * threads + thread_index
  counter = counter + 1
  local target = targets[(index % #targets) + 1]
  local date = day(math.floor(index / #targets) % 61)
  local body = string.format(
    '{"kind":"partial","period":{"start":"%s","end":"%s"},"units_delivered":10,"recipients":{"total":2},' ..
    '"activities":{"description":"Usługi dnia %s"},"funding":{"grant":"100.00"},' ..
    '"cost_lines":[{"section":"activity","name":"Wynagrodzenia","actual":"100.00","from_grant":"100.00"}]}',
    date, date, date)
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. target.token,
    ["Idempotency-Key"] = string.format("bench-%d-%d", thread_index, counter),
  }
  return wrk.format("POST", "/api/v1/commissions/" .. target.commission .. "/reports", headers, body)
end
