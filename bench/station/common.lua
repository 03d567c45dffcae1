-- Shared by the wrk scripts of bench/station (run.sh). Not run by itself.
--
-- Script arguments (after wrk's "--"):
--   NAV_FILE THREADS FIRST COUNT [TAG [MODE [RANGES]]]
-- NAV_FILE  station_seed's output, one position per line:
--           nav iuv amount_cents transfers transfer1_cents transfer2_cents (tab-separated)
-- THREADS   wrk's -t (wrk does not tell a thread how many siblings it has)
-- FIRST     0-based index of the first notice this run may use; COUNT how many from there.
--           Thread k (1-based) takes the k-th contiguous share of [FIRST, FIRST+COUNT).
-- TAG       receipt id prefix of this run (sendrt.lua)
-- MODE      "run" (default) or "retry" (sendrt.lua: re-send RANGES once each, then idle)
-- RANGES    "lo-hi,lo-hi" 0-based inclusive notice indices to re-send in retry mode
--
-- Every script counts answers that are not HTTP 200 with <outcome>OK</outcome> (a KO answer is
-- an error for this benchmark: every notice is valid and unpaid) and prints, in done(), one
-- "RESULT key=value ..." line that run.sh turns into its table, plus one "SLICE" line per thread.
local M = {}

M.broker = "93000111224"
M.station = "93000111224_01"
M.entity = "00123456782"
M.path = "/pagopa/paForNode"

M.envelope_open = '<?xml version="1.0" encoding="UTF-8"?>' ..
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' ..
  'xmlns:pafn="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"><soapenv:Header/><soapenv:Body>'
M.envelope_close = '</soapenv:Body></soapenv:Envelope>'
M.header = '<idPA>' .. M.entity .. '</idPA><idBrokerPA>' .. M.broker .. '</idBrokerPA>' ..
  '<idStation>' .. M.station .. '</idStation>'

local threads = {}

-- setup() runs in wrk's main Lua state, once per thread, before the thread's init().
function M.setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

-- Parses the arguments and loads this thread's share of the notices into M.notices (a list of
-- {index=, nav=, iuv=, amount=, transfers=, t1=, t2=}).
function M.init(args)
  M.nav_file = args[1]
  M.nthreads = tonumber(args[2])
  M.first = tonumber(args[3])
  M.count = tonumber(args[4])
  M.tag = args[5] or "X"
  M.mode = args[6] or "run"
  M.ranges = args[7] or ""
  if not (M.nav_file and M.nthreads and M.first and M.count) then
    error("arguments: NAV_FILE THREADS FIRST COUNT [TAG [MODE [RANGES]]]")
  end
  local per = math.floor(M.count / M.nthreads)
  M.lo = M.first + (id - 1) * per          -- first index of this thread's share
  M.hi = M.lo + per - 1                    -- last index (inclusive)
  local wanted = {}
  if M.mode == "retry" then
    M.lo, M.hi = math.huge, -1
    for lo, hi in string.gmatch(M.ranges, "(%d+)-(%d+)") do
      lo, hi = tonumber(lo), tonumber(hi)
      if lo < M.lo then M.lo = lo end
      if hi > M.hi then M.hi = hi end
      table.insert(wanted, {lo, hi})
    end
  end
  local function keep(i)
    if M.mode ~= "retry" then return i >= M.lo and i <= M.hi end
    for _, r in ipairs(wanted) do
      if i >= r[1] and i <= r[2] then return true end
    end
    return false
  end
  M.notices = {}
  local i = 0
  for line in io.lines(M.nav_file) do
    if i > M.hi then break end
    if keep(i) then
      local nav, iuv, amount, transfers, t1, t2 =
        line:match("^(%d+)\t(%d+)\t(%d+)\t(%d+)\t(%d+)\t(%d+)")
      table.insert(M.notices, {index = i, nav = nav, iuv = iuv, amount = tonumber(amount),
                               transfers = tonumber(transfers), t1 = tonumber(t1),
                               t2 = tonumber(t2)})
    end
    i = i + 1
  end
  if #M.notices == 0 then error("no notices for thread " .. id .. " in " .. M.nav_file) end
  M_lo, M_hi = M.lo, M.hi  -- globals, for done()
  -- wrk calls request() once on its first thread right after init() to inspect the request, and
  -- throws the result away: that call must not use up a notice (sendrt pays each one once).
  M.probe = (id == 1)
  sent = 0       -- requests generated (globals: done() reads them with thread:get)
  ok = 0         -- HTTP 200 with <outcome>OK</outcome>
  bad = 0        -- anything else
  duplicate = 0  -- KO PAA_RECEIPT_DUPLICATA (sendrt retry mode)
  sample = ""    -- the first bad answer, shortened
  exhausted = 0  -- 1 when sendrt ran out of unpaid notices before the end
end

function M.euro(cents)
  return string.format("%d.%02d", math.floor(cents / 100), cents % 100)
end

function M.post(action, body)
  return wrk.format("POST", M.path,
                    {["Content-Type"] = "text/xml; charset=utf-8", ["SOAPAction"] = action}, body)
end

function M.verify_body(n)
  return M.envelope_open .. '<pafn:paVerifyPaymentNoticeReq>' .. M.header ..
    '<qrCode><fiscalCode>' .. M.entity .. '</fiscalCode><noticeNumber>' .. n.nav ..
    '</noticeNumber></qrCode></pafn:paVerifyPaymentNoticeReq>' .. M.envelope_close
end

function M.getpayment_body(n)
  return M.envelope_open .. '<pafn:paGetPaymentV2Request>' .. M.header ..
    '<qrCode><fiscalCode>' .. M.entity .. '</fiscalCode><noticeNumber>' .. n.nav ..
    '</noticeNumber></qrCode><amount>' .. M.euro(n.amount) .. '</amount>' ..
    '</pafn:paGetPaymentV2Request>' .. M.envelope_close
end

-- A paSendRTV2 with a schema-valid receipt (the fields src/nodesim/station_messages.cpp sends)
-- paying notice `n` in full, with its transfers, paid "now" (init time).
function M.receipt_body(n, receipt_id)
  M.paid_at = M.paid_at or os.date("!%Y-%m-%dT%H:%M:%S")
  M.day = M.day or os.date("!%Y-%m-%d")
  local subject = '<uniqueIdentifier><entityUniqueIdentifierType>F</entityUniqueIdentifierType>' ..
    '<entityUniqueIdentifierValue>RSSMRA85T10A562S</entityUniqueIdentifierValue>' ..
    '</uniqueIdentifier><fullName>Mario Rossi</fullName>'
  local transfers = '<transfer><idTransfer>1</idTransfer><transferAmount>' .. M.euro(n.t1) ..
    '</transferAmount><fiscalCodePA>' .. M.entity .. '</fiscalCodePA>' ..
    '<companyName>Comune di Bench</companyName><IBAN>IT67V0542404200000000123456</IBAN>' ..
    '<remittanceInformation>TARI 2027</remittanceInformation>' ..
    '<transferCategory>9/0101101IM/</transferCategory></transfer>'
  if n.transfers > 1 then
    transfers = transfers .. '<transfer><idTransfer>2</idTransfer><transferAmount>' ..
      M.euro(n.t2) .. '</transferAmount><fiscalCodePA>80012345676</fiscalCodePA>' ..
      '<IBAN>IT84Q0760104200000012345678</IBAN>' ..
      '<remittanceInformation>Addizionale provinciale TARI 2027</remittanceInformation>' ..
      '<transferCategory>9/0101101IM/</transferCategory></transfer>'
  end
  return M.envelope_open .. '<pafn:paSendRTV2Request>' .. M.header .. '<receipt>' ..
    '<receiptId>' .. receipt_id .. '</receiptId><noticeNumber>' .. n.nav .. '</noticeNumber>' ..
    '<fiscalCode>' .. M.entity .. '</fiscalCode><outcome>OK</outcome>' ..
    '<creditorReferenceId>' .. n.iuv .. '</creditorReferenceId>' ..
    '<paymentAmount>' .. M.euro(n.amount) .. '</paymentAmount>' ..
    '<description>TARI 2027</description><companyName>Comune di Bench</companyName>' ..
    '<debtor>' .. subject .. '</debtor><transferList>' .. transfers .. '</transferList>' ..
    '<idPSP>BCITITMM</idPSP><pspFiscalCode>00799960158</pspFiscalCode>' ..
    '<PSPCompanyName>Intesa Sanpaolo S.p.A</PSPCompanyName><idChannel>00799960158_01</idChannel>' ..
    '<channelDescription>app</channelDescription><payer>' .. subject .. '</payer>' ..
    '<paymentMethod>PO</paymentMethod><fee>1.00</fee>' ..
    '<paymentDateTime>' .. M.paid_at .. '</paymentDateTime>' ..
    '<applicationDate>' .. M.day .. '</applicationDate><transferDate>' .. M.day ..
    '</transferDate><standIn>false</standIn></receipt></pafn:paSendRTV2Request>' ..
    M.envelope_close
end

-- Counts one answer; true when it is HTTP 200 with outcome OK.
function M.count_answer(status, body)
  if status == 200 and body and string.find(body, "<outcome>OK</outcome>", 1, true) then
    ok = ok + 1
    return true
  end
  if body and string.find(body, "PAA_RECEIPT_DUPLICATA", 1, true) then
    duplicate = duplicate + 1
  end
  bad = bad + 1
  if sample == "" then
    local fault = body and (body:match("<faultCode>(.-)</faultCode>") or body:sub(1, 200)) or ""
    sample = "HTTP " .. tostring(status) .. " " .. fault
  end
  return false
end

local function ms(us) return us / 1000.0 end

function M.done(summary, latency, requests)
  local total = {sent = 0, ok = 0, bad = 0, duplicate = 0, exhausted = 0}
  local samples = {}
  for _, t in ipairs(threads) do
    local s = {}
    for k, _ in pairs(total) do
      s[k] = t:get(k) or 0
      total[k] = total[k] + s[k]
    end
    local smp = t:get("sample")
    if smp and smp ~= "" then table.insert(samples, smp) end
    io.write(string.format("SLICE thread=%d lo=%d hi=%d sent=%d ok=%d bad=%d\n", t:get("id"),
                           t:get("M_lo") or -1, t:get("M_hi") or -1, s.sent, s.ok, s.bad))
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT rps=%.0f okps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f requests=%d " ..
    "ok=%d bad=%d dup=%d sent=%d sock_errors=%d timeouts=%d http_errors=%d seconds=%.1f " ..
    "exhausted=%d\n",
    summary.requests / seconds, total.ok / seconds, ms(latency:percentile(50)),
    ms(latency:percentile(90)), ms(latency:percentile(99)), ms(latency.max), summary.requests,
    total.ok, total.bad, total.duplicate, total.sent, e.connect + e.read + e.write, e.timeout,
    e.status, seconds, total.exhausted))
  if #samples > 0 then io.write("SAMPLE " .. samples[1] .. "\n") end
end

return M
