-- wrk script for the nginx baseline: the same POST requests as verify.lua / getpayment.lua (same
-- notices, same client-side work, same answer check), answered by nginx with a static file whose
-- size equals incasso's real answer. The fifth argument (TAG in common.lua) picks the request
-- shape; nginx answers POST with the file (error_page 405 =200 in run.sh's configuration).
--   wrk -t2 -c32 -d20s --latency -s static.lua http://127.0.0.1:NGINX/verify.xml -- \
--       NAV_FILE 2 0 100000 verify|getpayment|sendrt
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local c = require("common")

local pos, stride, kind

function setup(thread) c.setup(thread) end

function init(args)
  c.init(args)
  kind = args[5] or "verify"
  stride = (#c.notices % 7919 == 0) and 7907 or 7919
  pos = 0
end

function request()
  if c.probe then  -- wrk's inspection call (common.lua): never sent
    c.probe = false
    return wrk.format("POST", wrk.path, nil, c.verify_body(c.notices[1]))
  end
  pos = (pos + stride) % #c.notices
  sent = sent + 1
  local n = c.notices[pos + 1]
  local body
  if kind == "getpayment" then
    body = c.getpayment_body(n)
  elseif kind == "sendrt" then
    body = c.receipt_body(n, "S" .. id .. "N" .. sent)
  else
    body = c.verify_body(n)
  end
  return wrk.format("POST", wrk.path, {["Content-Type"] = "text/xml; charset=utf-8",
                                       ["SOAPAction"] = "static"}, body)
end

function response(status, headers, body) c.count_answer(status, body) end

function done(summary, latency, requests) c.done(summary, latency, requests) end
