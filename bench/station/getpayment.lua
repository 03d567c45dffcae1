-- wrk script: paGetPaymentV2 (with the amount, as the node sends it) for the seeded notices; a
-- read for the station (paGetPayment "è una GET", pagopa-api #120), so notices can repeat.
--   wrk -t2 -c32 -d20s --latency -s getpayment.lua http://127.0.0.1:PORT -- NAV_FILE 2 0 100000
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
    return c.post("paGetPaymentV2", c.getpayment_body(c.notices[1]))
  end
  pos = (pos + stride) % #c.notices
  sent = sent + 1
  return c.post("paGetPaymentV2", c.getpayment_body(c.notices[pos + 1]))
end

function response(status, headers, body) c.count_answer(status, body) end

function done(summary, latency, requests) c.done(summary, latency, requests) end
