-- wrk script: paVerifyPaymentNotice for the seeded notices, each thread walking its own share in
-- a scattered order (stride through the slice) so lookups do not follow the insertion order.
--   wrk -t2 -c32 -d20s --latency -s verify.lua http://127.0.0.1:PORT -- NAV_FILE 2 0 100000
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local c = require("common")

local pos, stride

function setup(thread) c.setup(thread) end

function init(args)
  c.init(args)
  stride = (#c.notices % 7919 == 0) and 7907 or 7919
  pos = 0
end

function request()
  if c.probe then  -- wrk's inspection call (common.lua): never sent
    c.probe = false
    return c.post("paVerifyPaymentNotice", c.verify_body(c.notices[1]))
  end
  pos = (pos + stride) % #c.notices
  sent = sent + 1
  return c.post("paVerifyPaymentNotice", c.verify_body(c.notices[pos + 1]))
end

function response(status, headers, body) c.count_answer(status, body) end

function done(summary, latency, requests) c.done(summary, latency, requests) end
