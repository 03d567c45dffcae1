#include "nodesim/pay.hpp"

#include <fmt/format.h>

#include <chrono>
#include <utility>

#include "http/client.hpp"
#include "nodesim/pay_steps.hpp"
#include "nodesim/station_messages.hpp"

namespace incasso::nodesim {

namespace {

using SteadyClock = std::chrono::steady_clock;

struct Call {
  PayStep step;
  StationAnswer answer;
};

// One SOAP call to the station; the step is OK, KO (fault) or ERROR.
Call CallStation(const PayRequest& request, std::string_view operation,
                 std::string_view response_element, std::string body) {
  Call call;
  call.step.operation = std::string(operation);
  http::ClientRequest req;
  req.method = "POST";
  req.url = request.station_url;
  // SOAP 1.1 §6.1.1: SOAPAction is a quoted URI; pagoPA uses the operation name.
  req.headers = {{"Content-Type", "text/xml; charset=utf-8"},
                 {"SOAPAction", fmt::format("\"{}\"", operation)}};
  req.body = std::move(body);
  req.connect_timeout = request.timeout;
  req.timeout = request.timeout;
  const auto start = SteadyClock::now();
  auto res = http::HttpCall(req);
  call.step.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
  if (!res.ok()) {
    call.step.outcome = "ERROR";
    call.step.description = res.error().message;
    return call;
  }
  call.answer = ReadStationAnswer(res->status, res->body, response_element);
  call.step.outcome = call.answer.outcome;
  call.step.fault_code = call.answer.fault_code;
  call.step.fault_string = call.answer.fault_string;
  call.step.description = call.answer.description;
  return call;
}

void Reject(PayStep& step, const Error& e) {
  step.outcome = "ERROR";
  step.description = "invalid response: " + e.ToText();
}

}  // namespace

Activation ActivateNotice(const PayRequest& request, RandomHex& random) {
  Activation a;
  const StationIds ids{request.ec_fiscal_code, request.broker_id, request.station_id};
  const bool v2 = request.version == 2;

  // paVerifyPaymentNotice: what the PSP shows the payer.
  Call verify = CallStation(request, "paVerifyPaymentNotice", "paVerifyPaymentNoticeRes",
                            VerifyRequestXml(ids, request.notice_number));
  if (verify.step.outcome == "OK") {
    auto read = ReadVerifyInfo(verify.answer.response);
    if (read.ok()) {
      a.info = std::move(read).value();
    } else {
      Reject(verify.step, read.error());
    }
  }
  a.steps.push_back(verify.step);
  if (verify.step.outcome != "OK") return a;

  // paGetPayment(V2): the activation, with the amount just verified. The node assigns the payment
  // token, which the EC only sees later as receiptId (pagopa-notes.md §1.1).
  Call get =
      CallStation(request, v2 ? "paGetPaymentV2" : "paGetPayment",
                  v2 ? "paGetPaymentV2Response" : "paGetPaymentRes",
                  GetPaymentRequestXml(ids, request.notice_number, request.version,
                                       a.info.amount_cents, request.payment_note, request.postal));
  if (get.step.outcome == "OK") {
    auto read = ReadStationPayment(get.answer.response, request.version);
    if (read.ok()) {
      a.payment = std::move(read).value();
    } else {
      Reject(get.step, read.error());
    }
  }
  a.steps.push_back(get.step);
  if (get.step.outcome != "OK") return a;
  a.payment_token = random.Next(32);
  a.ok = true;
  return a;
}

ReceiptDelivery SendReceipt(const PayRequest& request, const Activation& activation,
                            TimePoint paid_at) {
  const StationIds ids{request.ec_fiscal_code, request.broker_id, request.station_id};
  const bool v2 = request.version == 2;
  const StationPayment& payment = activation.payment;
  ReceiptInput input;
  input.receipt_id = activation.payment_token;
  input.notice_number = request.notice_number;
  input.company_name_fallback = activation.info.company_name;
  input.payment = payment;
  input.psp = request.psp;
  input.paid_at = paid_at;
  input.payment_note = request.payment_note;
  Call send = CallStation(request, v2 ? "paSendRTV2" : "paSendRT",
                          v2 ? "paSendRTV2Response" : "paSendRTRes",
                          SendRtRequestXml(ids, request.version, input));
  ReceiptDelivery out;
  out.step = send.step;
  if (send.step.outcome != "OK") return out;

  DeliveredReceipt receipt;
  receipt.receipt_id = activation.payment_token;
  receipt.notice_number = request.notice_number;
  receipt.fiscal_code = request.ec_fiscal_code;
  receipt.company_name =
      !payment.company_name.empty() ? payment.company_name : activation.info.company_name;
  receipt.creditor_reference_id = payment.creditor_reference_id;
  receipt.amount_cents = payment.amount_cents;
  receipt.id_psp = request.psp.id_psp;
  receipt.psp_company_name = request.psp.company_name;
  receipt.payment_time = paid_at;
  for (const StationTransfer& t : payment.transfers) {
    DeliveredTransfer d{t.id_transfer, t.amount_cents, t.fiscal_code_pa, t.company_name, t.stamp};
    if (d.company_name.empty() && d.fiscal_code_pa == request.ec_fiscal_code) {
      d.company_name = receipt.company_name;
    }
    receipt.transfers.push_back(std::move(d));
  }
  out.receipt = std::move(receipt);
  return out;
}

PayResult PayNotice(const PayRequest& request, const Clock& clock, RandomHex& random) {
  PayResult result;
  Activation activation = ActivateNotice(request, random);
  result.steps = activation.steps;
  if (!activation.ok) return result;
  result.payment_token = activation.payment_token;
  result.amount_cents = activation.payment.amount_cents;

  // The PSP's side: simulated, instantaneous.
  const TimePoint paid_at = clock.Now();
  PayStep pay_step;
  pay_step.operation = "payment";
  pay_step.outcome = request.pay ? "OK" : "KO";
  if (!request.pay) pay_step.description = "payment refused by the PSP (simulated)";
  result.steps.push_back(pay_step);
  if (!request.pay) {
    // No receipt when the payment fails (pagopa-api #200): the activation simply expires.
    result.succeeded = true;
    return result;
  }

  ReceiptDelivery delivery = SendReceipt(request, activation, paid_at);
  result.steps.push_back(delivery.step);
  if (!delivery.receipt) return result;
  result.receipt = std::move(delivery.receipt);
  result.succeeded = true;
  return result;
}

}  // namespace incasso::nodesim
