-- wrk script used once per operation by run.sh: sends one request for notice FIRST and writes
-- incasso's answer body to OUT_FILE (nginx then serves a static file of exactly that size).
--   wrk -t1 -c1 -d1s -s capture.lua URL -- NAV_FILE 1 FIRST 1 verify|getpayment|sendrt OUT_FILE
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local c = require("common")

local kind, out_file, written

function setup(thread) c.setup(thread) end

function init(args)
  c.init(args)
  kind, out_file, written = args[5], args[6], false
end

function request()
  local n = c.notices[1]
  if kind == "getpayment" then
    return c.post("paGetPaymentV2", c.getpayment_body(n))
  elseif kind == "sendrt" then
    return c.post("paSendRTV2", c.receipt_body(n, "BcaptureN" .. n.index))
  end
  return c.post("paVerifyPaymentNotice", c.verify_body(n))
end

function response(status, headers, body)
  if written then return end
  written = true
  c.count_answer(status, body)
  local f = assert(io.open(out_file, "wb"))
  f:write(body)
  f:close()
  wrk.thread:stop()
end

function done(summary, latency, requests) c.done(summary, latency, requests) end
