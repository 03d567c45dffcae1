-- wrk script for bench/api/run.sh: POST create-position on the GPD route, one new position per
-- request (iupd BENCH-<run>-<thread>-<n>, no IUV: incasso allocates one), published.
-- Arguments after "--": FISCAL_CODE API_KEY RUN_TAG
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local fiscal_code, key, tag
local n = 0
local errors = 0
local first_error = nil

function init(args)
  fiscal_code, key, tag = args[1], args[2], args[3]
  wrk.method = "POST"
  wrk.path = "/gpd/debt-positions-service/v1/organizations/" .. fiscal_code ..
    "/debtpositions?toPublish=true"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Ocp-Apim-Subscription-Key"] = key
end

function request()
  n = n + 1
  local body = '{"iupd":"BENCH-' .. tag .. '-' .. id .. '-' .. n .. '","type":"F",' ..
    '"fiscalCode":"RSSMRA85T10A562S","fullName":"Mario Rossi","companyName":"Comune",' ..
    '"switchToExpired":false,"paymentOption":[{"amount":2500,"description":"Mensa",' ..
    '"isPartialPayment":false,"dueDate":"2030-12-31T10:00:00Z","transfer":[{"idTransfer":"1",' ..
    '"amount":2500,"remittanceInformation":"Mensa","category":"9/0201133SE/",' ..
    '"iban":"IT67V0542404200000000123456"}]}]}'
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 201 then
    errors = errors + 1
    if first_error == nil then first_error = status .. " " .. string.sub(body, 1, 200) end
  end
end

function done(summary, latency, requests)
  local errs = 0
  for _, t in ipairs(threads) do
    errs = errs + (t:get("errors") or 0)
    local fe = t:get("first_error")
    if fe then io.write("FIRST_ERROR " .. fe .. "\n") end
  end
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d non201=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f socket_errors=%d\n",
    summary.requests, errs, summary.requests / secs, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
