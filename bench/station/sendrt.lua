-- wrk script: paSendRTV2, one receipt per seeded notice (each notice paid once, receiptId
-- "B<TAG>N<notice index>" unique per run tag), each thread walking its own share in order. When a
-- thread runs out of notices it stops and reports exhausted=1 (the rate is then a lower bound:
-- wrk divides by the whole -d).
--   wrk -t2 -c32 -d10s --latency -s sendrt.lua URL -- NAV_FILE 2 FIRST COUNT TAG
-- Retry mode re-sends the receipts of RANGES once each, as the node's retry queue would, and
-- counts OK (stored now) and PAA_RECEIPT_DUPLICATA (stored before); run it with -t1 -c1 so that
-- answers come back in order:
--   wrk -t1 -c1 -d10s -s sendrt.lua URL -- NAV_FILE 1 0 0 TAG retry 100-199,5000-5099
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local c = require("common")

local pos = 0
local answered = 0

function setup(thread) c.setup(thread) end

function init(args) c.init(args) end

local function receipt_id(n) return "B" .. c.tag .. "N" .. n.index end

function request()
  if c.probe then  -- wrk's inspection call (common.lua): never sent
    c.probe = false
    return c.post("paSendRTV2", c.receipt_body(c.notices[1], "probe"))
  end
  pos = pos + 1
  local n = c.notices[pos]
  if n == nil then
    -- Nothing left to pay. Retry mode: idle on a harmless request until done() (wrk runs the
    -- whole -d anyway); run mode: the share is used up.
    if c.mode ~= "retry" and exhausted == 0 then
      exhausted = 1
      wrk.thread:stop()
    end
    return wrk.format("GET", "/healthz")
  end
  sent = sent + 1
  return c.post("paSendRTV2", c.receipt_body(n, receipt_id(n)))
end

function response(status, headers, body)
  if answered >= sent then return end  -- a /healthz answer
  answered = answered + 1
  c.count_answer(status, body)
  if c.mode == "retry" and answered == #c.notices then wrk.thread:stop() end
end

function done(summary, latency, requests) c.done(summary, latency, requests) end
